import Foundation
import SpindleValue
import Synchronization

extension Store {
    /// Encodes and stores `value` as artifact `name` of `task`, returning the
    /// row to record when the task completes (the blob is already in place).
    public func saveArtifact(_ name: String, _ value: Value, task: Pathspec) throws -> ArtifactRecord {
        let hash: String, size: Int
        if case .numeric(let n) = value, n.elementType != .bool, n.count * n.elementType.byteWidth >= Store.streamingThreshold {
            // A large array goes to its blob from its own storage: no encoded copy.
            let header = ArtifactCodec.numericHeader(n)
            size = header.count + n.count * n.elementType.byteWidth
            let named = rehearsing.load(ordering: .relaxed)
            hash = try header.withUnsafeBytes { h in
                try n.storage.withUnsafeBytes { named ? BlobName.of([h, $0]) : try blobs.put(parts: [h, $0]) }
            }
        } else {
            let bytes = ArtifactCodec.encode(value)
            hash = rehearsing.load(ordering: .relaxed) ? bytes.withUnsafeBytes { BlobName.of([$0]) } : try blobs.put(bytes)
            size = bytes.count
        }
        return ArtifactRecord(name: name, hash: hash, type: value.typeName, size: size,
                              summary: value.summary(width: 72), isOwn: true, task: task)
    }

    /// Numeric arrays of at least this many bytes are written and read
    /// without an encoded copy in memory.
    static let streamingThreshold = 1 << 20

    /// The artifacts of a task, by name, from metadata only (no blob is read).
    public func artifacts(of spec: Pathspec) throws -> [ArtifactRecord] {
        let (flow, run, id) = try Store.taskKey(spec)
        let task = Pathspec(flow: flow, run: spec.run, step: spec.step, task: id)
        return try read { db in
            var r = RowReader(table: "artifacts")
            return try db.fetchAll(sql: "SELECT * FROM artifacts WHERE flow = ? AND run = ? AND task = ? ORDER BY own DESC, name",
                                   flow, run, id).map { row in
                let name: String = try r.required(row, "name", key: task.description)
                let key = "\(task)/\(name)"
                return ArtifactRecord(name: name, hash: try r.required(row, "hash", key: key), type: try r.required(row, "type", key: key),
                                      size: try r.required(row, "size", key: key), summary: try r.required(row, "summary", key: key),
                                      isOwn: try r.required(row, "own", key: key), task: task)
            }
        }
    }

    /// The value of an artifact, read from its blob and verified against its hash.
    public func load(_ artifact: ArtifactRecord) throws -> Value {
        let place = "\(artifact.task)/\(artifact.name)"
        let bytes: [UInt8]
        do {
            if artifact.size >= Store.streamingThreshold, let array = try blobs.numericArray(artifact.hash) {
                return .numeric(array)
            }
            bytes = try blobs.get(artifact.hash)
        } catch StoreError.corruptBlob(let h, _) {
            throw StoreError.corruptBlob(hash: h, artifact: place)
        } catch StoreError.missingBlob(let h, _) {
            throw StoreError.missingBlob(hash: h, artifact: place)
        }
        do { return try ArtifactCodec.decode(bytes) } catch {
            throw StoreError.undecodable(artifact: place, reason: error.description)
        }
    }

    /// Every blob hash that some artifact row or run parameter still names.
    public func referencedBlobs() throws -> Set<String> {
        try read { db in
            Set(try db.fetchAll(sql: "SELECT DISTINCT hash FROM artifacts UNION SELECT DISTINCT hash FROM cards").compactMap { String(sqlValue: $0[0]) })
        }
    }
}
