import CPostgresLoader
import Foundation
import SpindleStore

/// One libpq connection: statements with `?` placeholders, arguments sent
/// and rows read in PostgreSQL's binary format (exact integers and doubles,
/// bytes as they are, no text parsing).
final class PostgresConnection: MetadataConnection {
    private let conn: OpaquePointer
    /// Where it is connected, for messages (no credentials).
    let location: String

    /// Connects to `url` (a `postgres://` URL libpq understands).
    init(url: String, location: String) throws {
        var why = [CChar](repeating: 0, count: 512)
        guard spindle_pq_load(&why, why.count) == 1 else {
            throw PostgresError.noLibrary(String(decoding: why.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard let c = spindle_PQconnectdb(url) else { throw PostgresError.cannotConnect(location, "out of memory") }
        guard spindle_PQconnection_ok(c) == 1 else {
            let message = String(cString: spindle_PQerrorMessage(c))
            spindle_PQfinish(c)
            throw PostgresError.cannotConnect(location, message)
        }
        spindle_PQquiet(c)
        conn = c
        self.location = location
    }

    deinit { spindle_PQfinish(conn) }

    /// Whether the connection still works (a server restart ends it).
    var isOpen: Bool { spindle_PQconnection_ok(conn) == 1 }

    func execute(sql: String, arguments: [SQLValue]) throws {
        let result = try run(sql, arguments)
        spindle_PQclear(result)
    }

    func fetchAll(sql: String, arguments: [SQLValue]) throws -> [MetadataRow] {
        let result = try run(sql, arguments)
        defer { spindle_PQclear(result) }
        let rows = Int(spindle_PQntuples(result)), fields = Int32(spindle_PQnfields(result))
        let columns = (0..<fields).map { String(cString: spindle_PQfname(result, $0)) }
        let types = (0..<fields).map { spindle_PQftype(result, $0) }
        var out: [MetadataRow] = []
        out.reserveCapacity(rows)
        for r in 0..<Int32(rows) {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for c in 0..<fields {
                if spindle_PQgetisnull(result, r, c) == 1 { values.append(.null); continue }
                let length = Int(spindle_PQgetlength(result, r, c))
                let bytes = UnsafeRawBufferPointer(start: spindle_PQgetvalue(result, r, c), count: length)
                values.append(try PostgresBinary.decode(bytes, type: types[Int(c)], column: columns[Int(c)]))
            }
            out.append(MetadataRow(columns: columns, values: values))
        }
        return out
    }

    /// Runs one statement; a failure is a ``PostgresError/statement`` with its SQLSTATE.
    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        let encoded = arguments.map(PostgresBinary.encode)
        let types = encoded.map(\.type)
        let lengths = encoded.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: encoded.count)
        let text = SQLPlaceholders.numbered(sql)
        // The argument bytes must stay put while libpq reads them: pin each one.
        let pinned = encoded.map { arg -> UnsafeMutableRawPointer? in
            guard let bytes = arg.bytes else { return nil }
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return p
        }
        defer { pinned.forEach { $0?.deallocate() } }
        let values: [UnsafePointer<CChar>?] = pinned.map { $0.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } }
        let result = spindle_PQexecParams(conn, text, Int32(encoded.count), types, values, lengths, formats, 1)
        guard let result, spindle_PQresult_ok(result) == 1 else {
            let message = result.map { String(cString: spindle_PQresultErrorMessage($0)) } ?? String(cString: spindle_PQerrorMessage(conn))
            let state = result.flatMap { spindle_PQsqlstate($0).map { String(cString: $0) } }
            spindle_PQclear(result)
            throw PostgresError.statement(message: message.trimmingCharacters(in: .whitespacesAndNewlines),
                                          sqlstate: state, connectionLost: !isOpen)
        }
        return result
    }
}

/// PostgreSQL's binary format for the five kinds of ``SQLValue``.
enum PostgresBinary {
    // Type OIDs (pg_type.h).
    static let bool: UInt32 = 16, bytea: UInt32 = 17, name: UInt32 = 19, int8: UInt32 = 20, int2: UInt32 = 21
    static let int4: UInt32 = 23, text: UInt32 = 25, float4: UInt32 = 700, float8: UInt32 = 701
    static let unknown: UInt32 = 705, varchar: UInt32 = 1043, void: UInt32 = 2278

    /// An argument: its type and bytes (nil for NULL, whose type the server infers).
    static func encode(_ value: SQLValue) -> (type: UInt32, bytes: [UInt8]?) {
        switch value {
        case .null: return (0, nil)
        case .integer(let i): return (int8, bigEndian(UInt64(bitPattern: i)))
        case .real(let d): return (float8, bigEndian(d.bitPattern))
        case .text(let s): return (text, Array(s.utf8))
        case .blob(let b): return (bytea, b)
        }
    }

    static func bigEndian(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) }
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A column's value from its binary form.
    static func decode(_ bytes: UnsafeRawBufferPointer, type: UInt32, column: String) throws -> SQLValue {
        switch type {
        case int8 where bytes.count == 8: return .integer(Int64(bitPattern: integer(bytes)))
        case int4 where bytes.count == 4: return .integer(Int64(Int32(bitPattern: UInt32(integer(bytes)))))
        case int2 where bytes.count == 2: return .integer(Int64(Int16(bitPattern: UInt16(integer(bytes)))))
        case bool where bytes.count == 1: return .integer(bytes[0] == 0 ? 0 : 1)
        case float8 where bytes.count == 8: return .real(Double(bitPattern: integer(bytes)))
        case float4 where bytes.count == 4: return .real(Double(Float(bitPattern: UInt32(integer(bytes)))))
        case text, varchar, name, unknown: return .text(String(decoding: bytes, as: UTF8.self))
        case bytea: return .blob(Array(bytes))
        case void: return .null
        default:
            throw PostgresError.statement(message: "column \(column) has PostgreSQL type \(type), which Spindle does not read",
                                          sqlstate: nil, connectionLost: false)
        }
    }
}
