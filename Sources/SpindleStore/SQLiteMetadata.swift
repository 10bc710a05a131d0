import Foundation
import CSQLite
import GRDB
import Synchronization

/// The embedded metadata database: `meta.sqlite` in the store's folder, in WAL
/// mode, so the runtime, its task processes, a shell and a second run can use
/// it at once. One serial connection per process: within a process every
/// access is short, and one connection opens in a fraction of a pool's time
/// (a pool opens a writer and a reader and checks the WAL file through
/// Foundation, which reads the user and group databases: about 3 ms of every
/// task process).
public final class SQLiteMetadata: MetadataDatabase {
    let queue: DatabaseQueue
    /// While true, every transaction ends in `ROLLBACK` (``rehearse(_:)``).
    private let rehearsing = Atomic<Bool>(false)
    public var dialect: SQLDialect { .sqlite }
    public var location: String { queue.path }

    /// Opens (or, when `create`, creates) the database at `path`.
    ///
    /// `checkpoints: false` leaves folding the WAL into the database to other
    /// processes (see ``Store/open(at:create:checkpoints:checkSchema:)``);
    /// `checkSchema: false` skips reading the schema version.
    public init(path: String, checkpoints: Bool, checkSchema: Bool) throws {
        var config = Configuration()
        config.busyMode = .callback { BusyWait.retry($0) }
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
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            if checkSchema { try Self.migrate(queue) }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw StoreError.unreadable(path: path, reason: e.message ?? "\(e.resultCode)")
        } catch {
            throw StoreError.unreadable(path: path, reason: "\(error)")
        }
    }

    static func migrate(_ queue: DatabaseQueue) throws {
        let found = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        if found > Schema.version { throw StoreError.newerSchema(found: found, supported: Schema.version) }
        if found == Schema.version { return }
        try queue.writeWithoutTransaction { db in
            // WAL lets runs, their tasks and shells share the file; the mode
            // is kept in the file, so only a new store needs it set.
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else { throw StoreError.unreadable(path: queue.path, reason: "cannot use WAL mode (got \(mode ?? "none"))") }
            try db.inTransaction(.immediate) {
                let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                for (version, sql) in Schema.migrations(.sqlite) where version > current {
                    try db.execute(sql: sql)
                }
                try db.execute(sql: "PRAGMA user_version = \(Schema.version)")
                return .commit
            }
        }
    }

    /// `BEGIN IMMEDIATE`: the write lock is taken (waiting with ``BusyWait``)
    /// before `body` reads anything, so a transaction never has to be retried.
    public func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        do { return try transaction("BEGIN IMMEDIATE", body) } catch let e as DatabaseError {
            throw StoreError.io("store write failed: \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// One deferred transaction, so a write by another process lands wholly
    /// before or after it.
    public func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        do { return try transaction("BEGIN DEFERRED", body) } catch let e as DatabaseError {
            throw StoreError.io("store read failed: \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// `body` between `begin` and `COMMIT` (or `ROLLBACK` when it throws), with
    /// every statement prepared once per connection.
    ///
    /// Not GRDB's `read`/`write`: around each transaction they set and reset
    /// `PRAGMA query_only` and open a savepoint, four statements compiled
    /// anew every time; with a task's statements also compiled afresh, SQL
    /// parsing was 28 % of a runtime's CPU in a 50-way foreach (`perf`).
    private func transaction<T>(_ begin: String, _ body: (any MetadataConnection) throws -> T) throws -> T {
        try queue.inDatabase { db in
            try db.cachedStatement(sql: begin).execute()
            do {
                let result = try body(SQLiteConnection(db: db))
                try db.cachedStatement(sql: rehearsing.load(ordering: .relaxed) ? "ROLLBACK" : "COMMIT").execute()
                return result
            } catch {
                // SQLite has already rolled back after some errors (a full disk, say).
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
                throw error
            }
        }
    }

    public func rehearse<T>(_ body: () throws -> T) throws -> T {
        rehearsing.store(true, ordering: .relaxed)
        defer { rehearsing.store(false, ordering: .relaxed) }
        return try body()
    }

    /// Closes the SQLite connection at once. (Its deinit, later, touches
    /// Foundation's notification centre, which starts a dispatch thread.)
    public func close() throws {
        try queue.close()
    }

    /// Empties a long WAL when no other process has the store open (``JournalFolding/empty(_:)``).
    public func settle() {
        JournalFolding.empty(queue.path)
    }

    /// `PRAGMA integrity_check`.
    public func integrityCheck() throws -> [String] {
        try read { c in try c.fetchAll(sql: "PRAGMA integrity_check").compactMap { String(sqlValue: $0[0]) } }
    }
}

/// A GRDB connection seen through ``MetadataConnection``.
struct SQLiteConnection: MetadataConnection {
    let db: Database

    func execute(sql: String, arguments: [SQLValue]) throws {
        if sql.utf8.contains(59 /* ; */) {  // several statements (a migration): compiled each time
            try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
        } else {
            _ = try run(sql, arguments)
        }
    }

    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [MetadataRow] {
        try run(sql, arguments)
    }

    /// Runs one statement, compiled by GRDB (``statement(_:arguments:)``) and bound and
    /// stepped over SQLite's C API (``PreparedStatement``); a failure is GRDB's error, as
    /// GRDB would have thrown it.
    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> [MetadataRow] {
        let statement = try statement(sql, arguments: arguments.count)
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        do {
            // The statement finalizes its handle when it goes: kept until the run is over.
            return try withExtendedLifetime(statement) { () throws(PreparedStatement.Failure) in
                try PreparedStatement(handle: statement.sqliteStatement).run(arguments, on: connection)
            }
        } catch {
            throw DatabaseError(resultCode: ResultCode(rawValue: error.code), message: error.message, sql: sql)
        }
    }

    /// The statement for `sql`, compiled once per connection unless its text
    /// varies with its input (many placeholders: an `IN` list or a batch of
    /// rows), which would fill the cache with one-off statements.
    private func statement(_ sql: String, arguments: Int) throws -> Statement {
        arguments <= 32 && sql.utf8.count <= 4096 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return Data(b).databaseValue
        }
    }
}
