import Foundation
import SpindleValue

/// A shared store's blobs in two tiers: small ones (under ``inlineLimit``
/// bytes: scalars, short strings, small lists — most artifacts of most
/// tasks) as rows of its metadata database (`small_blobs`), large ones in
/// its object storage. A row costs a task one statement on a connection it
/// already has; an object costs a request to S3 (3 ms to moto on loopback,
/// tens of milliseconds to a real bucket, and a fee). Names, verification and
/// errors are the same in both tiers: a blob is still its SHA-256, checked
/// on every read.
///
/// Garbage collection sees both tiers (``entries()``); a row's `written`
/// time is renewed when the same bytes are stored again, as an object's is.
public final class TieredBlobStore: BlobStore {
    public let metadata: any MetadataDatabase
    public let large: any BlobStore

    /// Blobs under this many bytes are rows.
    public static let inlineLimit = 4096

    public init(metadata: any MetadataDatabase, large: any BlobStore) {
        self.metadata = metadata
        self.large = large
    }

    public func put(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBytes { try put(parts: [$0]) }
    }

    public func put(parts: [UnsafeRawBufferPointer]) throws -> String {
        let size = parts.reduce(0) { $0 + $1.count }
        guard size < Self.inlineLimit else { return try large.put(parts: parts) }
        let hash = BlobName.of(parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        for p in parts { bytes.append(contentsOf: p) }
        try metadata.write { db in
            try db.execute(sql: """
                INSERT INTO small_blobs (hash, bytes, written) VALUES (?, ?, ?)
                ON CONFLICT (hash) DO UPDATE SET written = excluded.written
                """, hash, bytes, Date().timeIntervalSince1970)
        }
        return hash
    }

    /// The row's bytes when there is one, else the large tier's.
    public func get(_ hash: String) throws -> [UInt8] {
        if let bytes = try small(hash) { return bytes }
        return try large.get(hash)
    }

    /// A numeric array large enough to stream is never a row.
    public func numericArray(_ hash: String) throws -> NumericArray? {
        try large.numericArray(hash)
    }

    public func contains(_ hash: String) -> Bool {
        ((try? small(hash)) ?? nil) != nil || large.contains(hash)
    }

    public func remove(_ hash: String) throws {
        try metadata.write { db in try db.execute(sql: "DELETE FROM small_blobs WHERE hash = ?", hash) }
        try large.remove(hash)
    }

    public func allHashes() throws -> [String] {
        try entries().map(\.hash)
    }

    public func entries() throws -> [BlobEntry] {
        let rows = try metadata.read { db in try db.fetchAll(sql: "SELECT hash, length(bytes) AS size, written FROM small_blobs") }
        var reader = RowReader(table: "small_blobs")
        var out = try rows.map { row in
            let hash: String = try reader.required(row, "hash", key: "?")
            return BlobEntry(hash: hash, size: try reader.required(row, "size", key: hash),
                             modified: Date(timeIntervalSince1970: try reader.required(row, "written", key: hash)))
        }
        out += try large.entries()
        return out.sorted { $0.hash < $1.hash }
    }

    public func removeAbandonedWrites(olderThan age: TimeInterval) throws {
        try large.removeAbandonedWrites(olderThan: age)
    }

    /// The verified bytes of the row named `hash`, or nil when there is no such row.
    func small(_ hash: String) throws -> [UInt8]? {
        guard let row = try metadata.read({ db in try db.fetchOne(sql: "SELECT bytes FROM small_blobs WHERE hash = ?", hash) }) else {
            return nil
        }
        guard case .blob(let bytes) = row[0] else {
            throw StoreError.corruptRow(table: "small_blobs", row: hash, column: "bytes", reason: "holds \(row[0]), not bytes")
        }
        guard bytes.withUnsafeBytes({ BlobName.matches([$0], hash) }) else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
        return bytes
    }

    /// The small blobs among `hashes`, verified, by name: what a mirror copies
    /// with a run's records, so a laptop reads them without asking the database.
    public func smallBlobs(_ hashes: [String]) throws -> [String: [UInt8]] {
        guard !hashes.isEmpty else { return [:] }
        var out: [String: [UInt8]] = [:]
        for chunk in stride(from: 0, to: hashes.count, by: 500).map({ Array(hashes[$0..<min($0 + 500, hashes.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try metadata.read { db in
                try db.fetchAll(sql: "SELECT hash, bytes FROM small_blobs WHERE hash IN (\(marks))", arguments: chunk.map { .text($0) })
            }
            for row in rows {
                guard case .text(let hash) = row[0], case .blob(let bytes) = row[1] else { continue }
                guard bytes.withUnsafeBytes({ BlobName.matches([$0], hash) }) else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
                out[hash] = bytes
            }
        }
        return out
    }
}
