import CSQLite
import Synchronization

/// A read-only view of the embedded metadata database over SQLite's C API,
/// without GRDB: for a process that only reads a little, once, and must
/// leave nothing behind when it closes — the fork server's warm-up, which
/// reads a sample task to rehearse before it forks any.
///
/// Opening through GRDB (its queue, configuration and statement cache, all
/// first used in that process) was 2–3 ms of the fork server's start, which
/// a run's first task waits for; a task that is handed its inputs never
/// opens the database, so the warm-up need not warm GRDB either.
///
/// Each read is one deferred transaction (one snapshot). Writes throw.
public final class SQLiteReader: MetadataDatabase {
    private let db: Mutex<OpaquePointer?>
    public let location: String
    public var dialect: SQLDialect { .sqlite }

    /// Opens the database at `path`, which must exist; creates nothing.
    public init(path: String) throws {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil)
        guard rc == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw StoreError.unreadable(path: path, reason: reason)
        }
        // Closing must neither fold the WAL (two fsyncs) nor delete it under the runtime's feet.
        guard spindle_sqlite3_no_checkpoint_on_close(handle) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw StoreError.unreadable(path: path, reason: "cannot configure the connection")
        }
        // Waits as the store's own connections do (``BusyWait``: from 50 µs, doubling), not with
        // sqlite3_busy_timeout's sleeps of 1, 2, 5, 10, 15, 20 ms: a fork server's warm-up that met
        // its runtime rebuilding the WAL's index (a few ms at every run's start) slept 18–53 ms,
        // and the run's first task waited for it.
        sqlite3_busy_handler(handle, { _, tries in BusyWait.retry(Int(tries), limit: 5) ? 1 : 0 }, nil)
        // Any statement that would write fails, whatever a caller passes to `read`.
        guard sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil) == SQLITE_OK else {
            let reason = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw StoreError.unreadable(path: path, reason: reason)
        }
        db = Mutex(handle)
        location = path
    }

    deinit {
        db.withLock { _ = sqlite3_close_v2($0) }
    }

    public func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        try db.withLock { handle in
            guard let handle else { throw StoreError.io("the store's database at \(location) was closed") }
            let connection = Connection(db: handle)
            try connection.execute(sql: "BEGIN", arguments: [])
            do {
                let result = try body(connection)
                try connection.execute(sql: "COMMIT", arguments: [])
                return result
            } catch {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
                throw error
            }
        }
    }

    public func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        throw StoreError.io("the store's database at \(location) is open for reading only here")
    }

    public func integrityCheck() throws -> [String] {
        try read { c in try c.fetchAll(sql: "PRAGMA integrity_check", arguments: []).compactMap { String(sqlValue: $0[0]) } }
    }

    /// Closes the connection, and throws if it could not be closed whole: a
    /// fork server must not fork while SQLite holds anything of the file
    /// (`sqlite3_close`, unlike `sqlite3_close_v2`, refuses while a statement
    /// is open rather than leave the connection half-closed). Later reads throw.
    public func close() throws {
        try db.withLock { handle in
            guard let h = handle else { return }
            guard sqlite3_next_stmt(h, nil) == nil, sqlite3_close(h) == SQLITE_OK else {
                throw StoreError.io("cannot close \(location): a statement is still open")
            }
            handle = nil
        }
    }

    /// One statement at a time on the open handle: prepared, bound, stepped and finalized.
    private struct Connection: MetadataConnection {
        let db: OpaquePointer

        func execute(sql: String, arguments: [SQLValue]) throws {
            _ = try fetchAll(sql: sql, arguments: arguments)
        }

        func fetchAll(sql: String, arguments: [SQLValue]) throws -> [MetadataRow] {
            var statement: OpaquePointer?
            var rest: UnsafePointer<CChar>?
            let prepared = sql.withCString { text -> Int32 in
                let rc = sqlite3_prepare_v2(db, text, -1, &statement, &rest)
                // One statement a call: text after it would be silently ignored.
                if rc == SQLITE_OK, let rest, rest.pointee != 0,
                   String(cString: rest).contains(where: { !$0.isWhitespace && $0 != ";" }) {
                    return SQLITE_MISUSE
                }
                return rc
            }
            guard prepared == SQLITE_OK, let statement else {
                sqlite3_finalize(statement)
                throw error("cannot prepare '\(sql.prefix(80))' (one statement a call)")
            }
            defer { sqlite3_finalize(statement) }
            do {
                return try PreparedStatement(handle: statement).run(arguments, on: db)
            } catch {
                throw StoreError.io("store read failed: cannot read '\(sql.prefix(80))': \(error.message)")
            }
        }

        private func error(_ what: String) -> StoreError {
            StoreError.io("store read failed: \(what): \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}
