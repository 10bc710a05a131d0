import Foundation
import Synchronization

/// How a blob is named by its bytes, so that the same bytes always get the
/// same name and a read can verify what it got.
///
/// A blob under ``treeThreshold`` bytes is named by the SHA-256 of its bytes.
/// A larger one is named by the SHA-256 of a short header and the SHA-256s of
/// its ``chunkSize`` chunks, which are hashed on all cores at once. One
/// SHA-256 stream runs at about 1.1 GB/s on one core here (90 ms of every
/// 100 MB saved or loaded, against 25 ms to copy them); the chunks split that
/// across the cores, and a store on a bigger machine gains with every core.
///
/// ```swift
/// let name = bytes.withUnsafeBytes { BlobName.of([$0]) }
/// assert(bytes.withUnsafeBytes { BlobName.matches([$0], name) })
/// ```
public enum BlobName {
    /// The bytes hashed as one chunk of a large blob.
    public static let chunkSize = 4 << 20
    /// The size from which a blob is named by its chunks.
    public static let treeThreshold = 8 << 20

    /// The name of the bytes of `parts`, one after another.
    public static func of(_ parts: [UnsafeRawBufferPointer]) -> String {
        let size = parts.reduce(0) { $0 + $1.count }
        return size < treeThreshold ? flat(parts) : tree(parts, size: size)
    }

    /// Whether the bytes of `parts` are the blob named `name`. A large blob
    /// stored before names were chunk trees also matches its plain SHA-256.
    public static func matches(_ parts: [UnsafeRawBufferPointer], _ name: String) -> Bool {
        let size = parts.reduce(0) { $0 + $1.count }
        if size < treeThreshold { return flat(parts) == name }
        return matches(parts, treeName: tree(parts, size: size), name)
    }

    /// Whether a large blob whose chunk-tree name is `treeName` is the blob
    /// named `name`: by that name, or by its plain SHA-256 (stored before names
    /// were chunk trees; hashed only then).
    static func matches(_ parts: [UnsafeRawBufferPointer], treeName: String, _ name: String) -> Bool {
        treeName == name || flat(parts) == name
    }

    /// The SHA-256 of the bytes of `parts`.
    static func flat(_ parts: [UnsafeRawBufferPointer]) -> String {
        let hasher = SHA256.Hasher()
        for p in parts { hasher.update(p) }
        return hasher.finish()
    }

    /// The SHA-256 of "spindle chunks 1 SIZE CHUNKSIZE\n" followed by the
    /// 32-byte SHA-256 of each chunk in order.
    static func tree(_ parts: [UnsafeRawBufferPointer], size: Int) -> String {
        let tree = ChunkTree(parts, size: size)
        tree.allReady()
        return tree.name()
    }

    /// Calls `body` with each piece of `parts` that falls in `range` of their
    /// concatenation, in order.
    static func forEachSegment(of parts: [UnsafeRawBufferPointer], in range: Range<Int>,
                               _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        for p in parts {
            let end = start + p.count
            let lo = Swift.max(start, range.lowerBound), hi = Swift.min(end, range.upperBound)
            if lo < hi { body(UnsafeRawBufferPointer(rebasing: p[(lo - start)..<(hi - start)])) }
            if end >= range.upperBound { break }
            start = end
        }
    }
}

/// The chunk digests of one large blob, computed by one thread per core as
/// the chunks become available: the caller reads or writes the blob and says
/// when each chunk is in place (``ready(_:)``), and ``name()`` waits for the
/// rest. Plain threads, not Dispatch: a task's body runs on a Swift
/// concurrency thread, and work queued to Dispatch's pool from there ran
/// mostly on one core.
final class ChunkTree: @unchecked Sendable {
    let size: Int
    let count: Int
    private let parts: [UnsafeRawBufferPointer]
    /// 32 bytes per chunk; each slot is written by the one thread that took its chunk.
    private let digests: UnsafeMutableRawBufferPointer
    /// Chunk k's bytes are in place once `available[k]` is signalled.
    private let available: [DispatchSemaphore]
    private let next = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let workers: Int
    private var named = false

    /// Starts the hashing threads; they wait for chunks to be marked ready.
    /// The bytes of `parts` must stay valid until ``name()`` returns.
    init(_ parts: [UnsafeRawBufferPointer], size: Int) {
        self.parts = parts
        self.size = size
        count = (size + BlobName.chunkSize - 1) / BlobName.chunkSize
        digests = .allocate(byteCount: 32 * count, alignment: 8)
        available = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        workers = Swift.max(1, Swift.min(count, ProcessInfo.processInfo.activeProcessorCount))
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.start()
        }
    }

    deinit {
        if !named {
            // Abandoned (a read failed): let the threads finish before the bytes go.
            cancelled.store(true, ordering: .releasing)
            for s in available { s.signal() }
            for _ in 0..<workers { finished.wait() }
        }
        digests.deallocate()
    }

    private func work() {
        while true {
            let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard k < count else { break }
            available[k].wait()
            if cancelled.load(ordering: .acquiring) { continue }
            let hasher = SHA256.Hasher()
            BlobName.forEachSegment(of: parts, in: range(k)) { hasher.update($0) }
            hasher.finish(into: digests.baseAddress! + 32 * k)
        }
        finished.signal()
    }

    /// The range of the blob that chunk `k` covers.
    func range(_ k: Int) -> Range<Int> {
        (k * BlobName.chunkSize)..<Swift.min(size, (k + 1) * BlobName.chunkSize)
    }

    /// Chunk `k`'s bytes are in place and will not change.
    func ready(_ k: Int) { available[k].signal() }

    /// Every chunk's bytes are in place.
    func allReady() { for k in 0..<count { ready(k) } }

    /// The blob's name, once every chunk (all marked ready) is hashed. Call once.
    func name() -> String {
        for _ in 0..<workers { finished.wait() }
        named = true
        let root = SHA256.Hasher()
        Array("spindle chunks 1 \(size) \(BlobName.chunkSize)\n".utf8).withUnsafeBytes { root.update($0) }
        root.update(UnsafeRawBufferPointer(digests))
        return root.finish()
    }
}
