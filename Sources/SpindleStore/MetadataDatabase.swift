import Foundation

/// The database a store keeps its metadata in (runs, tasks, artifact rows,
/// logs): SQLite in the project's `.spindle/` (``SQLiteMetadata``, the
/// default, no server), or a shared PostgreSQL (the `SpindlePostgres`
/// module). ``Store`` speaks one dialect of SQL to both — `?` placeholders,
/// `ON CONFLICT … DO UPDATE`, no engine-specific functions — so every query
/// is written once and both databases answer it the same way; the schema is
/// the one place the two differ (``Schema``).
///
/// Every `write` is one transaction that commits when `body` returns and
/// rolls back when it throws; every `read` sees one snapshot. An
/// implementation may run `body` again when the database asks for a retry
/// (a serialization failure, or two runs taking the same number at once), so
/// `body` must do nothing but database work.
public protocol MetadataDatabase: Sendable {
    /// Runs `body` in one write transaction.
    func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T
    /// Runs `body` in one read-only transaction over one snapshot.
    func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T
    /// Which schema text and which checks apply.
    var dialect: SQLDialect { get }
    /// Where the database is, for messages: a path, or a URL without credentials.
    var location: String { get }
    /// Problems the database finds in itself; `["ok"]` when sound.
    func integrityCheck() throws -> [String]
    /// Closes the connection now; any later use is an error. A fork server
    /// closes what it opened to warm up, so no forked task inherits it.
    func close() throws
    /// At the end of a command that wrote: tidies what the database keeps
    /// between commands when no one else is using it (SQLite: a long WAL).
    func settle()
    /// Runs `body` with every write transaction it makes rolled back instead
    /// of committed: a fork server rehearses a task's writes this way, so
    /// that the code and statements they use are warm in every forked task,
    /// and the store is left as it was.
    func rehearse<T>(_ body: () throws -> T) throws -> T
}

extension MetadataDatabase {
    /// Nothing to close before deinit (a PostgreSQL connection closes synchronously in its own).
    public func close() throws {}
    /// Nothing to tidy (PostgreSQL keeps its own house).
    public func settle() {}
    /// Without a way to roll back every write, nothing is rehearsed.
    public func rehearse<T>(_ body: () throws -> T) throws -> T { throw StoreError.io("this database cannot rehearse writes") }
}

/// The two databases a store's metadata can live in.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// One connection inside a transaction of a ``MetadataDatabase``.
public protocol MetadataConnection {
    /// Runs one statement (`?` marks each argument).
    func execute(sql: String, arguments: [SQLValue]) throws
    /// Runs one query and returns all its rows.
    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [MetadataRow]
}

extension MetadataConnection {
    public func execute(sql: String, _ arguments: any SQLBindable...) throws {
        try execute(sql: sql, arguments: arguments.map(\.sqlValue))
    }

    public func fetchAll(sql: String, _ arguments: any SQLBindable...) throws -> [MetadataRow] {
        try fetchAll(sql: sql, arguments: arguments.map(\.sqlValue))
    }

    /// The first row of a query, if any.
    public func fetchOne(sql: String, _ arguments: any SQLBindable...) throws -> MetadataRow? {
        try fetchAll(sql: sql, arguments: arguments.map(\.sqlValue)).first
    }
}

/// One value in a row or an argument: the five kinds both databases store.
public enum SQLValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as a message shows it (a blob by its length only).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return "'\(s.prefix(60))'"
        case .blob(let b): return "\(b.count) bytes"
        }
    }
}

/// A row of a query: its values, and the names of its columns (shared by all
/// the rows of one query).
public struct MetadataRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at `index`.
    public subscript(_ index: Int) -> SQLValue { values[index] }

    /// The value of column `name` (NULL when the query has no such column).
    public subscript(_ name: String) -> SQLValue {
        columns.firstIndex(of: name).map { values[$0] } ?? .null
    }
}

/// A Swift value that can be an argument of a query.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

/// A Swift value a column's value can be read as (nil when it holds another kind).
public protocol SQLReadable {
    init?(sqlValue: SQLValue)
}

extension String: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .text(self) }
    public init?(sqlValue: SQLValue) {
        guard case .text(let s) = sqlValue else { return nil }
        self = s
    }
}

extension Int: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let i) = sqlValue else { return nil }
        self = Int(i)
    }
}

extension Double: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .real(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let d): self = d
        case .integer(let i): self = Double(i)
        default: return nil
        }
    }
}

extension Bool: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let i) = sqlValue else { return nil }
        self = i != 0
    }
}

extension Data: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
    public init?(sqlValue: SQLValue) {
        guard case .blob(let b) = sqlValue else { return nil }
        self = Data(b)
    }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

/// Placeholders for each dialect: PostgreSQL numbers them (`$1`), SQLite takes `?`.
public enum SQLPlaceholders {
    /// `sql` with each `?` outside a quoted literal or identifier replaced by `$1`, `$2`, ….
    public static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }
}
