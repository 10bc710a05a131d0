import Foundation
import SpindleValue

/// The blobs of a store that holds mirrored runs of shared stores
/// (``Store/mirror(flow:run:from:as:)``): its own folder first, then — for a
/// blob it does not have, which a mirrored run's artifact names — the shared
/// stores' blobs, opened on the first such read (through the local cache, so
/// a blob crosses the network once). Writes, listings and removals touch the
/// local folder only: nothing is ever written to a shared store from here.
/// `contains` answers for both (from the local rows, with no request), so a
/// spin's planner finds a mirrored run's inputs present.
public final class MirrorBlobStore: BlobStore, @unchecked Sendable {
    public let local: FileBlobStore
    /// Opens the shared stores' blob stores; called once, on the first miss.
    private let openRemotes: @Sendable () throws -> [any BlobStore]
    private var remotes: [any BlobStore]?
    private let lock = NSLock()

    /// Whether a mirrored run's artifact row names the hash (a local query).
    private let mirrored: @Sendable (String) -> Bool

    public init(local: FileBlobStore, remotes: @escaping @Sendable () throws -> [any BlobStore],
                mirrored: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.local = local
        self.openRemotes = remotes
        self.mirrored = mirrored
    }

    private func shared() throws -> [any BlobStore] {
        lock.lock()
        defer { lock.unlock() }
        if let remotes { return remotes }
        let opened = try openRemotes()
        remotes = opened
        return opened
    }

    /// `read` from the local folder, else from the first shared store that has the blob.
    private func fallBack<T>(_ hash: String, _ read: (any BlobStore) throws -> T) throws -> T {
        do { return try read(local) } catch StoreError.missingBlob(let h, let artifact) {
            for remote in try shared() {
                do { return try read(remote) } catch StoreError.missingBlob { continue }
            }
            throw StoreError.missingBlob(hash: h, artifact: artifact)
        }
    }

    public func put(_ bytes: [UInt8]) throws -> String { try local.put(bytes) }
    public func put(parts: [UnsafeRawBufferPointer]) throws -> String { try local.put(parts: parts) }
    public func get(_ hash: String) throws -> [UInt8] { try fallBack(hash) { try $0.get(hash) } }
    public func numericArray(_ hash: String) throws -> NumericArray? { try fallBack(hash) { try $0.numericArray(hash) } }
    /// Here, or named by a mirrored run: its shared store keeps it, and
    /// asking that store (a request per blob) would make every spin of a
    /// mirrored run touch the network. A blob the shared store has lost is
    /// reported when read, naming its artifact.
    public func contains(_ hash: String) -> Bool {
        local.contains(hash) || mirrored(hash)
    }
    public func remove(_ hash: String) throws { try local.remove(hash) }
    public func allHashes() throws -> [String] { try local.allHashes() }
    public func entries() throws -> [BlobEntry] { try local.entries() }
    public func removeAbandonedWrites(olderThan age: TimeInterval) throws { try local.removeAbandonedWrites(olderThan: age) }
}
