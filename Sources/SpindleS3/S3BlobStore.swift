import Foundation
import SpindleStore
import SpindleValue
import Synchronization

/// Blobs as objects `PREFIX/blobs/ab/cdef…` in an S3 bucket: the shared
/// store's ``BlobStore``, named and verified exactly as ``FileBlobStore``'s
/// files are (``BlobName``).
///
/// - `put` names the bytes first, and uploads them only when no object of
///   that name and size exists: the same bytes are stored once. A PUT is
///   atomic and a multipart upload appears only when completed, so no reader
///   ever sees half a blob.
/// - `get` and `numericArray` verify every byte against the name: damaged
///   bytes are `StoreError.corruptBlob`, an absent object
///   `StoreError.missingBlob`, never a wrong value. S3's own failures are
///   ``S3Error``s.
/// - `numericArray` streams the body straight into a new array's storage.
///
/// ```swift
/// let blobs = S3BlobStore(client: try S3Client(config, credentials: try AWSConfiguration.credentials()))
/// let hash = try blobs.put(Array("bytes".utf8))
/// ```
public final class S3BlobStore: BlobStore {
    /// The bucket and prefix the blobs live under, and how to reach them.
    public let client: S3Client
    /// A blob found already stored by `put` is copied onto itself when it is
    /// older than this, so a garbage collector's grace period (counted from
    /// the last-modified time, see ``storedBlobs()``) starts again, as
    /// ``FileBlobStore`` touches a reused file. Collectors must give at least
    /// this much grace.
    public let refreshAge: TimeInterval
    /// The bytes of the last blob `numericArray` found not to hold a numeric
    /// array, for the `get` that follows (``Store/load(_:)`` asks for them
    /// next), so its body is not downloaded twice. Verified when taken.
    private let stash = Mutex<(hash: String, bytes: [UInt8])?>(nil)

    /// Blobs under `client`'s bucket and prefix.
    public init(client: S3Client, refreshAge: TimeInterval = 600) {
        self.client = client
        self.refreshAge = refreshAge
    }

    /// The object key of the blob named `hash`, relative to the client's prefix.
    public static func key(_ hash: String) -> String {
        "blobs/\(hash.prefix(2))/\(hash.dropFirst(2))"
    }

    /// Stores `bytes` (once) and returns their name; see ``put(parts:)``.
    public func put(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBytes { try put(parts: [$0]) }
    }

    /// Blobs under this many bytes are uploaded without asking first: one
    /// request instead of two, and a PUT of the same bytes under the same
    /// name changes nothing but the object's time (which `refreshAge` wants
    /// renewed anyway).
    public static let askFirstFrom = 256 << 10

    /// Names the bytes of `parts` (one after another), asks whether that
    /// object is stored (HEAD; only from ``askFirstFrom`` bytes), and uploads
    /// them only if not; returns the name. The object appears whole or not at all.
    public func put(parts: [UnsafeRawBufferPointer]) throws -> String {
        let size = parts.reduce(0) { $0 + $1.count }
        let hash = BlobName.of(parts)
        let key = Self.key(hash)
        if size >= Self.askFirstFrom, let stored = try client.head(key), stored.size == size {
            if let modified = stored.lastModified, Date().timeIntervalSince(modified) > refreshAge { try client.touch(key) }
            return hash
        }
        // A small blob's name is its SHA-256, which SigV4 signs: no second hash.
        try client.put(key, parts: parts, sha256: size < BlobName.treeThreshold ? hash : nil)
        return hash
    }

    /// The blob's bytes, verified against `hash`: `StoreError.corruptBlob`
    /// when they do not match, `StoreError.missingBlob` when there is no object.
    public func get(_ hash: String) throws -> [UInt8] {
        guard SHA256.isDigest(hash) else { throw StoreError.missingBlob(hash: hash, artifact: nil) }
        let bytes: [UInt8]
        if let stashed = takeStash(hash) {
            bytes = stashed
        } else {
            guard let fetched = try client.get(Self.key(hash)) else { throw StoreError.missingBlob(hash: hash, artifact: nil) }
            bytes = fetched
        }
        guard bytes.withUnsafeBytes({ BlobName.matches([$0], hash) }) else {
            throw StoreError.corruptBlob(hash: hash, artifact: nil)
        }
        return bytes
    }

    /// Whether the object exists (HEAD). False also when S3 cannot be asked:
    /// the protocol's answer has no room for an error, and a read that
    /// follows reports it.
    public func contains(_ hash: String) -> Bool {
        guard SHA256.isDigest(hash) else { return false }
        return ((try? client.head(Self.key(hash))) ?? nil) != nil
    }

    /// Deletes the blob's object (nothing when there is none).
    public func remove(_ hash: String) throws {
        guard SHA256.isDigest(hash) else { return }
        try client.delete(Self.key(hash))
    }

    /// Every stored blob's name, in order (a listing of `PREFIX/blobs/`).
    public func allHashes() throws -> [String] {
        try storedBlobs().map(\.hash)
    }

    /// Every blob with its size and write time, for garbage collection (a
    /// blob whose time the listing lacks counts as written now: kept).
    public func entries() throws -> [BlobEntry] {
        let now = Date()
        return try storedBlobs().map { BlobEntry(hash: $0.hash, size: $0.size, modified: $0.lastModified ?? now) }
    }

    /// One stored blob as the bucket lists it.
    public struct StoredBlob: Sendable, Equatable {
        /// The blob's name.
        public var hash: String
        /// Its bytes.
        public var size: Int
        /// When it was written (or last refreshed by `put`); a garbage
        /// collector keeps blobs younger than its grace period, since a task
        /// may have written one and not yet committed the row that names it.
        public var lastModified: Date?
    }

    /// Every blob stored, in hash order, with its size and last-modified time
    /// (one ListObjectsV2 listing): what a garbage collector needs.
    public func storedBlobs() throws -> [StoredBlob] {
        try client.list("blobs/").compactMap { object in
            let fields = object.key.split(separator: "/")
            guard fields.count == 3, fields[0] == "blobs", fields[1].count == 2 else { return nil }
            let hash = String(fields[1] + fields[2])
            guard SHA256.isDigest(hash) else { return nil }
            return StoredBlob(hash: hash, size: object.size, lastModified: object.lastModified)
        }.sorted { $0.hash < $1.hash }
    }

    /// The blob as a numeric array when it holds one: its body streamed
    /// straight into the array's storage, then verified against `hash` on
    /// every core. Nil for any other blob (whose bytes the next `get` takes
    /// without a second download).
    public func numericArray(_ hash: String) throws -> NumericArray? {
        guard SHA256.isDigest(hash) else { throw StoreError.missingBlob(hash: hash, artifact: nil) }
        if stash.withLock({ $0?.hash == hash }) { return nil }
        let body = NumericBody(hash: hash)
        let found: Bool
        do {
            found = try client.get(Self.key(hash), into: body)
        } catch {
            body.abandon()
            throw error
        }
        guard found, body.received == body.total else {
            body.abandon()
            throw found ? StoreError.corruptBlob(hash: hash, artifact: nil) : StoreError.missingBlob(hash: hash, artifact: nil)
        }
        if let filler = body.filler { return try filler.finish(complete: true) }
        stash.withLock { $0 = (hash, body.bytes) }
        return nil
    }

    private func takeStash(_ hash: String) -> [UInt8]? {
        stash.withLock { slot in
            guard let s = slot, s.hash == hash else { return nil }
            slot = nil
            return s.bytes
        }
    }
}

/// A blob's body as it arrives: once its first bytes show a numeric array
/// (``ArtifactCodec/numericLayout(_:totalSize:)``, the same test
/// ``FileBlobStore`` makes), the rest goes straight into the new array's
/// storage; otherwise into bytes.
private final class NumericBody: ResponseBody {
    /// The header is a few bytes; 256 hold any shape a real array has.
    static let headLimit = 256
    enum Mode { case head, array(headerSize: Int), bytes }

    let hash: String
    var mode = Mode.head
    var total = 0
    var received = 0
    var head: [UInt8] = []
    var bytes: [UInt8] = []
    var filler: ArrayFiller?

    init(hash: String) { self.hash = hash }

    func begin(length: Int?) throws {
        guard let length else {
            throw S3Error.badResponse(request: "GET blob \(hash.prefix(12))…", reason: "no Content-Length")
        }
        if case .head = mode {
            head.removeAll()
        } else if length != total {
            // A retry found an object of another size: not the blob the name says.
            throw StoreError.corruptBlob(hash: hash, artifact: nil)
        }
        if case .bytes = mode { bytes.removeAll(keepingCapacity: true) }
        total = length
        received = 0
        if total == 0, case .head = mode { try decide() }
    }

    func write(_ piece: UnsafeRawBufferPointer) throws {
        guard received + piece.count <= total else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
        var piece = piece
        if case .head = mode {
            let take = Swift.min(Swift.min(Self.headLimit, total) - head.count, piece.count)
            head.append(contentsOf: piece.prefix(take))
            received += take
            piece = UnsafeRawBufferPointer(rebasing: piece[take...])
            if head.count == Swift.min(Self.headLimit, total) { try decide() }
            if piece.isEmpty { return }
        }
        switch mode {
        case .array(let headerSize):
            // A retry sends the header again; it is in memory already.
            let skip = Swift.min(piece.count, Swift.max(0, headerSize - received))
            if skip < piece.count, let storage = filler?.storage.baseAddress {
                (storage + (received + skip - headerSize)).copyMemory(from: piece.baseAddress! + skip, byteCount: piece.count - skip)
            }
        case .bytes:
            bytes.append(contentsOf: piece)
        case .head:
            break
        }
        received += piece.count
    }

    /// Reads the head: a numeric array gets its storage (and the elements
    /// that came with the head); anything else is gathered as bytes.
    private func decide() throws {
        guard let layout = head.withUnsafeBytes({ ArtifactCodec.numericLayout($0, totalSize: total) }) else {
            mode = .bytes
            bytes.reserveCapacity(total)
            bytes.append(contentsOf: head)
            return
        }
        let filler = ArrayFiller(layout: layout, hash: hash, header: Array(head[..<layout.headerSize]))
        self.filler = filler
        mode = .array(headerSize: layout.headerSize)
        let early = head.count - layout.headerSize
        head.withUnsafeBytes { h in
            filler.storage.baseAddress!.copyMemory(from: h.baseAddress! + layout.headerSize, byteCount: early)
        }
    }

    /// Lets a filler that was started go, when the transfer failed.
    func abandon() {
        _ = try? filler?.finish(complete: false)
    }
}

/// A new numeric array whose storage the transfer fills from another thread.
///
/// `ArtifactCodec.numericArray` lends an array's storage only inside its
/// closure, and a transfer learns the array's shape only from its first
/// bytes, inside libcurl's callback; so the array is made on a thread of its
/// own, which holds the storage open until the transfer has filled it, then
/// verifies it against the blob's name (on every core, as ``BlobName``
/// does).
private final class ArrayFiller: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let proceed = DispatchSemaphore(value: 0)
    private let joined = DispatchSemaphore(value: 0)
    /// Valid from `init` until `finish`.
    private(set) var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var complete = false
    private var outcome: Result<NumericArray, any Error>?

    struct Abandoned: Error {}

    init(layout: ArtifactCodec.NumericLayout, hash: String, header: [UInt8]) {
        Thread { [self] in
            do {
                let array = try ArtifactCodec.numericArray(layout) { storage in
                    HugePages.advise(storage)
                    self.storage = storage
                    ready.signal()
                    // Take the storage's page faults here, while its bytes are on their way.
                    HugePages.populate(storage)
                    proceed.wait()
                    guard complete else { throw Abandoned() }
                    let matches = header.withUnsafeBytes { h in BlobName.matches([h, UnsafeRawBufferPointer(storage)], hash) }
                    guard matches else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
                }
                outcome = .success(array)
            } catch {
                outcome = .failure(error)
            }
            joined.signal()
        }.start()
        ready.wait()
    }

    /// Ends the fill (call once): `complete` when every byte has arrived.
    /// Returns the verified array, or throws (``StoreError/corruptBlob(hash:artifact:)``).
    func finish(complete: Bool) throws -> NumericArray {
        self.complete = complete
        proceed.signal()
        joined.wait()
        return try outcome!.get()
    }
}
