import Foundation
import SpindleValue

/// Reads a table's rows by column name, and turns a value a column cannot
/// hold (a NULL where one is required, an unknown status, undecodable
/// parameters) into ``StoreError/corruptRow(table:row:column:reason:)``
/// naming the table, the row and the column, instead of a default that hides
/// it or a crash.
///
/// Names are resolved to positions once, on the first row of a query, so a
/// listing of many rows reads them as fast as by position.
struct RowReader {
    let table: String
    private var positions: [String: Int] = [:]

    init(table: String) { self.table = table }

    /// Learns the columns' positions from `row` (the first of a query).
    private mutating func learn(_ row: MetadataRow) {
        guard positions.isEmpty else { return }
        for (i, name) in row.columns.enumerated() { positions[name] = i }
    }

    /// The position of `column` in the rows of this query.
    mutating func position(_ column: String, in row: MetadataRow) throws -> Int {
        learn(row)
        guard let i = positions[column] else {
            throw StoreError.corruptRow(table: table, row: "?", column: column, reason: "is missing from the query")
        }
        return i
    }

    /// The column's value, which must not be NULL.
    mutating func required<T: SQLReadable>(_ row: MetadataRow, _ column: String, key: @autoclosure () -> String) throws -> T {
        let i = try position(column, in: row)
        let dbValue = row[i]
        guard let v = T(sqlValue: dbValue) else {
            throw StoreError.corruptRow(table: table, row: key(), column: column,
                                        reason: dbValue.isNull ? "is NULL" : "holds \(dbValue), not a \(T.self)")
        }
        return v
    }

    /// The column's value, or nil when NULL; a value of the wrong kind is still an error.
    mutating func optional<T: SQLReadable>(_ row: MetadataRow, _ column: String, key: @autoclosure () -> String) throws -> T? {
        let i = try position(column, in: row)
        let dbValue = row[i]
        if dbValue.isNull { return nil }
        guard let v = T(sqlValue: dbValue) else {
            throw StoreError.corruptRow(table: table, row: key(), column: column, reason: "holds \(dbValue), not a \(T.self)")
        }
        return v
    }

    /// A text column parsed by `parse`, which returns nil for text it does not accept.
    mutating func parsed<T>(_ row: MetadataRow, _ column: String, key: @autoclosure () -> String, what: String,
                            _ parse: (String) -> T?) throws -> T {
        let text: String = try required(row, column, key: key())
        guard let v = parse(text) else {
            throw StoreError.corruptRow(table: table, row: key(), column: column, reason: "holds '\(text.prefix(60))', not \(what)")
        }
        return v
    }

    /// A blob column holding a value in the artifact format.
    mutating func value(_ row: MetadataRow, _ column: String, key: @autoclosure () -> String) throws -> Value? {
        guard let data: Data = try optional(row, column, key: key()) else { return nil }
        do { return try ArtifactCodec.decode(data) } catch {
            throw StoreError.corruptRow(table: table, row: key(), column: column, reason: "does not decode: \(error)")
        }
    }
}
