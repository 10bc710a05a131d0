import Foundation

/// The tables, as numbered migrations. Both databases run the same ones in
/// the same order — SQLite keeps the version reached in `PRAGMA
/// user_version`, PostgreSQL in the table `spindle_schema` — so a store's
/// schema version means the same on both. Changing the tables means a new
/// version here. The text is SQLite's; PostgreSQL's is the same with its
/// names for the column types (``postgres(_:)``).
enum Schema {
    /// The newest schema this build reads and writes.
    static let version = 4

    /// Each version's statements, oldest first, in `dialect`.
    static func migrations(_ dialect: SQLDialect) -> [(Int, String)] {
        switch dialect {
        case .sqlite: return [(1, version1), (2, version2), (3, version3SQLite), (4, version4)]
        case .postgres: return [(1, postgres(version1)), (2, postgres(version2)), (3, postgres(version3Postgres)), (4, postgres(version4))]
        }
    }

    /// Version 4: tasks' cards — each a self-contained HTML page stored as a
    /// blob, named (a step may make several), and `live` while its task is
    /// still running and refreshing it. A task's default card is not stored:
    /// it is made from the task's records when asked for.
    static let version4 = """
    CREATE TABLE cards (
        flow TEXT NOT NULL,
        run TEXT NOT NULL,
        task INTEGER NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        live INTEGER NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (flow, run, task, name)
    );
    """

    /// Version 3: runs of a shared store copied into this one to be spun
    /// (`kind = 'mirror'`, ids like `prod:42`), and where each such store
    /// keeps its blobs, so that their bytes are fetched when first read; the
    /// machine each running run's process is on (`runs.host`) and when it
    /// last said it was alive (`runs.heartbeat`), since a shared store's runs
    /// come from many; a shared store's small blobs,
    /// kept in its database rather than as objects (`small_blobs`,
    /// `TieredBlobStore`); and where an engine ran each task (`tasks.engine`,
    /// `job`, `node`).
    /// SQLite cannot change a CHECK constraint in place: the table is rebuilt.
    static let version3SQLite = """
    CREATE TABLE runs_v3 (
        flow TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'spin', 'mirror')),
        number INTEGER NOT NULL,
        status TEXT NOT NULL,
        parameters BLOB NOT NULL,
        graph TEXT NOT NULL,
        origin TEXT,
        origin_task TEXT,
        overrides BLOB,
        "binary" TEXT,
        pid INTEGER,
        started REAL NOT NULL,
        ended REAL,
        error TEXT,
        host TEXT,
        heartbeat REAL,
        PRIMARY KEY (flow, id)
    );
    INSERT INTO runs_v3 SELECT *, NULL, NULL FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v3 RENAME TO runs;
    CREATE UNIQUE INDEX runs_by_number ON runs(flow, kind, number);
    CREATE INDEX runs_by_start ON runs(kind, started);
    \(remotes)
    """

    static let version3Postgres = """
    ALTER TABLE runs DROP CONSTRAINT runs_kind_check;
    ALTER TABLE runs ADD CONSTRAINT runs_kind_check CHECK (kind IN ('run', 'spin', 'mirror'));
    ALTER TABLE runs ADD COLUMN host TEXT;
    ALTER TABLE runs ADD COLUMN heartbeat REAL;
    \(remotes)
    """

    static let remotes = """
    CREATE TABLE remotes (
        name TEXT NOT NULL PRIMARY KEY,
        metadata TEXT NOT NULL,
        blobs TEXT NOT NULL
    );
    CREATE TABLE small_blobs (
        hash TEXT NOT NULL PRIMARY KEY,
        bytes BLOB NOT NULL,
        written REAL NOT NULL
    );
    ALTER TABLE tasks ADD COLUMN engine TEXT;
    ALTER TABLE tasks ADD COLUMN job TEXT;
    ALTER TABLE tasks ADD COLUMN node TEXT;
    """

    /// SQLite's column types as PostgreSQL names them: 64-bit integers and
    /// doubles, as SQLite stores them, bytes, and text compared byte by byte,
    /// as SQLite compares it (so listings sort the same on both).
    static func postgres(_ sql: String) -> String {
        sql.replacingOccurrences(of: " TEXT", with: " TEXT COLLATE \"C\"")
            .replacingOccurrences(of: " INTEGER", with: " BIGINT")
            .replacingOccurrences(of: " REAL", with: " DOUBLE PRECISION")
            .replacingOccurrences(of: " BLOB", with: " BYTEA")
    }

    /// Version 2: the run parameters each completed task read (space-separated
    /// names; NULL when unknown), so resume re-runs exactly the tasks a changed
    /// parameter reaches.
    static let version2 = "ALTER TABLE tasks ADD COLUMN reads TEXT;"

    static let version1 = """
    CREATE TABLE runs (
        flow TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'spin')),
        number INTEGER NOT NULL,
        status TEXT NOT NULL,
        parameters BLOB NOT NULL,
        graph TEXT NOT NULL,
        origin TEXT,
        origin_task TEXT,
        overrides BLOB,
        "binary" TEXT,
        pid INTEGER,
        started REAL NOT NULL,
        ended REAL,
        error TEXT,
        PRIMARY KEY (flow, id)
    );
    CREATE UNIQUE INDEX runs_by_number ON runs(flow, kind, number);
    CREATE INDEX runs_by_start ON runs(kind, started);
    CREATE TABLE run_tags (
        flow TEXT NOT NULL, run TEXT NOT NULL, tag TEXT NOT NULL,
        PRIMARY KEY (flow, run, tag)
    );
    CREATE TABLE tasks (
        flow TEXT NOT NULL,
        run TEXT NOT NULL,
        id INTEGER NOT NULL,
        step TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        parents TEXT NOT NULL DEFAULT '',
        splits TEXT NOT NULL DEFAULT '',
        fingerprint TEXT,
        origin TEXT,
        foreach_count INTEGER,
        started REAL NOT NULL,
        ended REAL,
        error TEXT,
        PRIMARY KEY (flow, run, id)
    );
    CREATE INDEX tasks_by_step ON tasks(flow, run, step);
    CREATE TABLE artifacts (
        flow TEXT NOT NULL,
        run TEXT NOT NULL,
        task INTEGER NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL,
        type TEXT NOT NULL,
        size INTEGER NOT NULL,
        summary TEXT NOT NULL,
        own INTEGER NOT NULL,
        PRIMARY KEY (flow, run, task, name)
    );
    CREATE INDEX artifacts_by_hash ON artifacts(hash);
    CREATE TABLE logs (
        flow TEXT NOT NULL,
        run TEXT NOT NULL,
        task INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        stdout TEXT NOT NULL,
        stderr TEXT NOT NULL,
        truncated INTEGER NOT NULL,
        PRIMARY KEY (flow, run, task, attempt)
    );
    """
}
