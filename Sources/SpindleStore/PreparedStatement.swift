import CSQLite

/// One compiled SQLite statement, bound and stepped over the C API.
///
/// Shared by ``SQLiteReader``, which compiles its own, and by the GRDB
/// connection (`SQLiteConnection`), which takes its statements compiled from
/// GRDB's cache but binds and steps them here: GRDB's arguments (built
/// through a key path of their own for every statement) and its per-statement
/// bookkeeping were a tenth of a run's CPU in the runtime, and the store
/// observes no statement.
///
/// A failure throws the statement's SQLite result code; the caller words it.
struct PreparedStatement {
    let handle: OpaquePointer

    /// SQLite's result code for a statement that failed, with its message.
    struct Failure: Error {
        var code: Int32
        var message: String
    }

    /// Binds `arguments`, steps the statement to its end and returns its rows; the statement is
    /// then reset with no bindings, ready to run again.
    func run(_ arguments: [SQLValue], on db: OpaquePointer) throws(Failure) -> [MetadataRow] {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        // As GRDB checked: a missing argument would otherwise be bound as NULL.
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.count == expected else {
            throw Failure(code: SQLITE_RANGE, message: "\(arguments.count) arguments for \(expected) placeholders")
        }
        for (i, value) in arguments.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            // By its length: a text may hold a NUL.
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, Int32(v.utf8.count), Self.transient)
            case .blob(let v): rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), Self.transient) }
            }
            guard rc == SQLITE_OK else { throw Failure(code: rc, message: "cannot bind argument \(index): \(String(cString: sqlite3_errmsg(db)))") }
        }
        let count = sqlite3_column_count(handle)
        var columns: [String]?
        var rows: [MetadataRow] = []
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw Failure(code: rc, message: String(cString: sqlite3_errmsg(db))) }
            let names = columns ?? (0..<count).map { String(cString: sqlite3_column_name(handle, $0)) }
            columns = names
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for c in 0..<count { values.append(value(at: c)) }
            rows.append(MetadataRow(columns: names, values: values))
        }
    }

    /// Column `c` of the current row.
    private func value(at c: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, c) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, c))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, c))
        case SQLITE_TEXT:
            // By its length: a text may hold a NUL.
            let n = Int(sqlite3_column_bytes(handle, c))
            guard let text = sqlite3_column_text(handle, c) else { return .text("") }
            return .text(String(decoding: UnsafeRawBufferPointer(start: text, count: n), as: UTF8.self))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, c))
            return .blob(sqlite3_column_blob(handle, c).map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? [])
        default: return .null
        }
    }

    /// SQLite's `SQLITE_TRANSIENT`: it copies the bound bytes.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
