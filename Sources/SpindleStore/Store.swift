import Foundation
import CSQLite
import GRDB
import SpindleValue

/// A project's store: artifact blobs named by their SHA-256, plus the metadata
/// of flows, runs, tasks, artifacts and logs in SQLite (WAL mode, so the
/// runtime, its task processes, a shell and a second run can use it at once).
///
/// ```swift
/// let store = try Store.open(at: StoreLocation.resolve(explicit: nil, creating: false))
/// for run in try store.runs(flow: "RatingsFlow") { print(run.id, run.status) }
/// ```
///
/// Every write is one transaction, and blobs are renamed into place before any
/// row names them, so a process killed at any instant leaves a store that opens
/// and tells the truth.
public final class Store: Sendable {
    /// The `.spindle` directory.
    public let root: URL
    /// The artifact bytes.
    public let blobs: any BlobStore
    /// One connection per process. Processes share the database through WAL;
    /// within a process every access is short, so one serial connection
    /// costs nothing and opens in a fraction of a pool's time (a pool opens a
    /// writer and a reader and checks the WAL file through Foundation, which
    /// reads the user and group databases: about 3 ms of every task process).
    let db: DatabaseQueue

    /// The newest schema this build reads and writes.
    public static let schemaVersion = 2

    init(root: URL, blobs: any BlobStore, db: DatabaseQueue) {
        self.root = root
        self.blobs = blobs
        self.db = db
    }

    /// Opens the store at `root` (a `.spindle` directory), creating it when `create`.
    ///
    /// `checkpoints: false` leaves folding the WAL into the database to other
    /// processes: a task process, which lives for a moment, starts no fold;
    /// its runtime (or spin command), which commits around every task, does.
    /// `checkSchema: false` skips reading the schema version, for a process
    /// whose runtime has just opened (and checked) the same store.
    public static func open(at root: URL, create: Bool = true, checkpoints: Bool = true,
                            checkSchema: Bool = true) throws -> Store {
        let dbPath = root.appendingPathComponent("meta.sqlite").path
        // access(2), not FileManager: its first use costs a task process ~0.2 ms.
        if access(dbPath, F_OK) != 0 {
            guard create else { throw StoreError.notAStore(path: root.path) }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        let blobs = try FileBlobStore(directory: root.appendingPathComponent("blobs"))
        var config = Configuration()
        config.busyMode = .callback(BusyWait.retry)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Short processes should not pay a checkpoint (two fsyncs) at exit,
            // nor a commit pay one on the way: the WAL is folded in on a thread of
            // its own as it grows (JournalFolding; see CSQLite/README.md).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            if checkpoints { JournalFolding.install(on: db.sqliteConnection) }
            let rc = spindle_sqlite3_no_checkpoint_on_close(db.sqliteConnection)
            if rc != SQLITE_OK { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot configure the connection") }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: dbPath, configuration: config)
            if checkSchema { try migrate(queue) }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw StoreError.unreadable(path: dbPath, reason: e.message ?? "\(e.resultCode)")
        } catch {
            throw StoreError.unreadable(path: dbPath, reason: "\(error)")
        }
        return Store(root: root, blobs: blobs, db: queue)
    }

    static func migrate(_ queue: DatabaseQueue) throws {
        let found = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        if found > schemaVersion { throw StoreError.newerSchema(found: found, supported: schemaVersion) }
        if found == schemaVersion { return }
        try queue.writeWithoutTransaction { db in
            // WAL lets runs, their tasks and shells share the file; the mode
            // is kept in the file, so only a new store needs it set.
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else { throw StoreError.unreadable(path: queue.path, reason: "cannot use WAL mode (got \(mode ?? "none"))") }
            try db.inTransaction(.immediate) {
                let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if current < 1 { try db.execute(sql: Schema.version1) }
                if current < 2 { try db.execute(sql: Schema.version2) }
                try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                return .commit
            }
        }
    }

    /// Runs `body` as one write transaction, turning database errors into ``StoreError``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.write(body) } catch let e as DatabaseError {
            throw StoreError.io("store write failed: \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// Runs `body` as one read of one snapshot (GRDB wraps it in a deferred
    /// transaction, so a write by another process lands wholly before or
    /// after it), turning database errors into ``StoreError``.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.read(body) } catch let e as DatabaseError {
            throw StoreError.io("store read failed: \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// Checks the database (`PRAGMA integrity_check`): `["ok"]` when sound.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

/// How a connection waits for a lock another process holds. SQLite's own
/// timeout sleeps 1 ms, then 2, 5, 10…, far longer than a store write takes
/// (well under a millisecond); with a runtime and its tasks all writing, that
/// first millisecond was paid over and over. This waits 50 µs, doubling to
/// 2 ms, and gives up after 30 s in all.
enum BusyWait {
    static let firstDelay = 50e-6
    static let longestDelay = 2e-3
    static let limit = 30.0

    /// The seconds to sleep before attempt `tries + 1`.
    static func delay(afterTries tries: Int) -> Double {
        min(longestDelay, firstDelay * Double(1 << min(tries, 16)))
    }

    /// The seconds slept before attempt `tries + 1` in all.
    static func waited(beforeTry tries: Int) -> Double {
        (0..<min(tries, 16)).reduce(0) { $0 + delay(afterTries: $1) } + Double(max(0, tries - 16)) * longestDelay
    }

    /// GRDB's busy callback: sleeps, then asks SQLite to try again, until `limit`.
    @Sendable static func retry(_ tries: Int) -> Bool {
        guard waited(beforeTry: tries) < limit else { return false }
        usleep(UInt32(delay(afterTries: tries) * 1e6))
        return true
    }
}

/// The tables. Changing them means a new version and a migration in ``Store``.
enum Schema {
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
        binary TEXT,
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
