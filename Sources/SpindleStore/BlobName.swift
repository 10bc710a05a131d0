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
        // Without I/O there is nothing to fail.
        try! ChunkTree.name(of: parts, size: size, io: nil)
    }

    /// Calls `body` with each piece of `parts` that falls in `range` of their
    /// concatenation, in order, and where that piece starts in the concatenation.
    static func forEachSegment(of parts: [UnsafeRawBufferPointer], in range: Range<Int>,
                               _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        var start = 0
        for p in parts {
            let end = start + p.count
            let lo = Swift.max(start, range.lowerBound), hi = Swift.min(end, range.upperBound)
            if lo < hi { try body(UnsafeRawBufferPointer(rebasing: p[(lo - start)..<(hi - start)]), lo) }
            if end >= range.upperBound { break }
            start = end
        }
    }
}

/// Names a large blob by its chunk tree, hashing the chunks on every core,
/// and lets each hashing thread do the I/O of the chunks it takes: a save
/// writes each piece just before hashing it, a load reads each piece into
/// place just before hashing it. So the copy and the hash share the cores
/// with no hand-off between threads, and each piece is hashed while it is
/// still in the core's cache. Plain threads, not Dispatch: a task's body runs
/// on a Swift concurrency thread, and work queued to Dispatch's pool from
/// there ran mostly on one core.
enum ChunkTree {
    /// Reads or writes one piece of a blob: its bytes, and their offset in the blob.
    typealias IO = @Sendable (UnsafeRawBufferPointer, Int) throws -> Void

    /// The bytes one I/O call covers: small enough to stay in a core's cache
    /// until it is hashed.
    static let pieceSize = 512 << 10

    /// The chunk-tree name of the blob whose bytes are (or, once `io` has
    /// run, will be) `parts`, one after another, `size` bytes in all.
    ///
    /// `io`, when given, is called for each piece of the blob (up to
    /// ``pieceSize`` bytes, never across a chunk's end, split where `parts`
    /// meet) with its bytes and where they start in the blob, just before the
    /// piece is hashed, from several threads at once. The first error it
    /// throws stops the other threads and is rethrown.
    static func name(of parts: [UnsafeRawBufferPointer], size: Int, io: IO?) throws -> String {
        let job = Job(parts: parts, size: size, io: io)
        let helpers = Swift.max(0, Swift.min(job.count, ProcessInfo.processInfo.activeProcessorCount) - 1)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<helpers {
            Thread { job.work(); finished.signal() }.start()
        }
        job.work()
        for _ in 0..<helpers { finished.wait() }
        return try job.name()
    }

    /// One naming: the chunks still to take, their digests, the first failure.
    private final class Job: @unchecked Sendable {
        let parts: [UnsafeRawBufferPointer]
        let size: Int
        let count: Int
        let io: IO?
        /// 32 bytes per chunk; each slot is written by the one thread that took its chunk.
        let digests: UnsafeMutableRawBufferPointer
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)

        init(parts: [UnsafeRawBufferPointer], size: Int, io: IO?) {
            self.parts = parts
            self.size = size
            self.io = io
            count = (size + BlobName.chunkSize - 1) / BlobName.chunkSize
            digests = .allocate(byteCount: 32 * count, alignment: 8)
        }

        deinit { digests.deallocate() }

        /// Takes chunks until none is left or some thread has failed.
        func work() {
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard k < count else { return }
                let hasher = SHA256.Hasher()
                let chunk = (k * BlobName.chunkSize)..<Swift.min(size, (k + 1) * BlobName.chunkSize)
                var at = chunk.lowerBound
                do {
                    while at < chunk.upperBound {
                        let piece = at..<Swift.min(chunk.upperBound, at + ChunkTree.pieceSize)
                        if let io { try BlobName.forEachSegment(of: parts, in: piece, io) }
                        BlobName.forEachSegment(of: parts, in: piece) { bytes, _ in hasher.update(bytes) }
                        at = piece.upperBound
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    next.store(count, ordering: .relaxed)
                    return
                }
                hasher.finish(into: digests.baseAddress! + 32 * k)
            }
        }

        /// The name, or the first I/O failure.
        func name() throws -> String {
            if let error = failure.withLock({ $0 }) { throw error }
            let root = SHA256.Hasher()
            Array("spindle chunks 1 \(size) \(BlobName.chunkSize)\n".utf8).withUnsafeBytes { root.update($0) }
            root.update(UnsafeRawBufferPointer(digests))
            return root.finish()
        }
    }
}
