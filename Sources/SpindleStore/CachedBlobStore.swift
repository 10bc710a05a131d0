import Foundation
import SpindleValue
import Synchronization

/// A ``BlobStore`` that reads through a local folder of blobs in front of a
/// remote one (the shared store's S3 bucket): the first read of a blob
/// fetches it, verified against its name, and keeps a copy; later reads are
/// local files (verified again, as every ``FileBlobStore`` read is) and touch
/// no network. Writes go to the remote store, then into the folder too.
///
/// The folder has ``FileBlobStore``'s layout (`ab/cdef…`, `tmp/`) and is
/// bounded: when the blobs in it pass ``limit`` bytes, the least recently
/// used are removed (a read touches its file's modification time; eviction
/// removes the oldest first) until they are a tenth under it. Any number of
/// processes may share one folder: blobs are renamed into place whole, and a
/// blob evicted under a reader is fetched again. A blob larger than the
/// limit is never kept. A cache that fails (a full disk) never fails a read
/// or a write; it only stops saving the network.
///
/// ```swift
/// let blobs = try BlobCache(remote: s3Blobs, folder: BlobCache.defaultFolder())
/// let summary = try blobs.summary()        // what `spindle cache` shows
/// ```
public final class BlobCache: BlobStore {
    /// The store blobs come from and go to.
    public let remote: any BlobStore
    /// The local copies.
    public let local: FileBlobStore
    /// The bytes the copies may take.
    public let limit: Int
    /// What this process knows of the folder's size, so that not every copy
    /// kept rescans it: nil until the first scan; rescanned when it says
    /// over the limit, or a minute after the last scan (other processes add
    /// copies too).
    private let known = Mutex<(bytes: Int?, scanned: Date)>((nil, .distantPast))

    /// 10 GiB.
    public static let defaultLimit = 10 << 30

    /// `$SPINDLE_CACHE/blobs` when set; else `$XDG_CACHE_HOME/spindle/blobs`; else
    /// `~/.cache/spindle/blobs`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["SPINDLE_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("blobs") }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return URL(fileURLWithPath: base).appendingPathComponent("spindle/blobs")
    }

    /// A cache of `remote`'s blobs in `folder` (made if absent), holding up to `limit` bytes.
    public init(remote: any BlobStore, folder: URL, limit: Int = BlobCache.defaultLimit) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.remote = remote
        local = try FileBlobStore(directory: folder)
        self.limit = limit
    }

    /// Where the copies are.
    public var folder: URL { local.directory }

    // MARK: BlobStore

    /// Stores `bytes` in the remote store, then keeps a copy.
    public func put(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBytes { try put(parts: [$0]) }
    }

    /// Stores the bytes of `parts` in the remote store, then keeps a copy.
    public func put(parts: [UnsafeRawBufferPointer]) throws -> String {
        let hash = try remote.put(parts: parts)
        keep(parts, as: hash)
        return hash
    }

    /// The copy's bytes when there is a sound one; otherwise the remote
    /// store's (verified there), kept for next time.
    public func get(_ hash: String) throws -> [UInt8] {
        if local.contains(hash) {
            do {
                let bytes = try local.get(hash)
                touch(hash)
                return bytes
            } catch let error as StoreError {
                forget(hash, after: error)
            }
        }
        let bytes = try remote.get(hash)
        bytes.withUnsafeBytes { keep([$0], as: hash) }
        return bytes
    }

    /// From the copy when there is a sound one; otherwise the remote store's
    /// array (streamed and verified there), whose bytes are then kept.
    public func numericArray(_ hash: String) throws -> NumericArray? {
        if local.contains(hash) {
            do {
                let array = try local.numericArray(hash)
                touch(hash)
                return array  // nil: not an array, and `get` reads the copy
            } catch let error as StoreError {
                forget(hash, after: error)
            }
        }
        guard let array = try remote.numericArray(hash) else { return nil }
        let header = ArtifactCodec.numericHeader(array)
        header.withUnsafeBytes { h in array.storage.withUnsafeBytes { keep([h, $0], as: hash) } }
        return array
    }

    /// Whether there is a copy, or else the remote store has the blob.
    public func contains(_ hash: String) -> Bool {
        local.contains(hash) || remote.contains(hash)
    }

    /// Removes the blob from the remote store and the copy.
    public func remove(_ hash: String) throws {
        try remote.remove(hash)
        try local.remove(hash)
    }

    /// The remote store's blobs (the copies are a subset).
    public func allHashes() throws -> [String] {
        try remote.allHashes()
    }

    /// The remote store's blobs, as garbage collection sees them.
    public func entries() throws -> [BlobEntry] { try remote.entries() }

    /// The remote store's leftovers, and the folder's.
    public func removeAbandonedWrites(olderThan age: TimeInterval) throws {
        try remote.removeAbandonedWrites(olderThan: age)
        try local.removeAbandonedWrites(olderThan: age)
    }

    // MARK: The folder

    /// The cache at `folder` with no remote store behind it: for showing and
    /// clearing it (`spindle cache`); a read of a blob it lacks is a missing blob.
    public static func folderOnly(_ folder: URL, limit: Int = BlobCache.defaultLimit) throws -> BlobCache {
        try BlobCache(remote: NoRemote(), folder: folder, limit: limit)
    }

    /// What the cache holds, for `spindle cache`.
    public struct Summary: Sendable, Equatable {
        /// Blobs kept.
        public var count: Int
        /// Their bytes.
        public var bytes: Int
        /// The bytes they may take.
        public var limit: Int
        /// The folder's path.
        public var folder: String
    }

    /// The blobs in the folder now (all processes' copies), their bytes, the limit and the folder.
    public func summary() throws -> Summary {
        let entries = try scan()
        return Summary(count: entries.count, bytes: entries.reduce(0) { $0 + $1.size }, limit: limit, folder: folder.path)
    }

    /// Removes every copy (and any temporary file left by a killed process);
    /// the remote store is untouched.
    public func clear() throws {
        for entry in try scan() { try local.remove(entry.hash) }
        let tmp = folder.appendingPathComponent("tmp").path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] { unlink(tmp + "/" + name) }
        let now = Date()
        known.withLock { $0 = (0, now) }
        writeLedger(bytes: 0, scanned: now)
    }

    /// Keeps a copy of a blob whose bytes were verified against `hash` (or
    /// named by the remote store as it stored them), then evicts if over the limit.
    private func keep(_ parts: [UnsafeRawBufferPointer], as hash: String) {
        let size = parts.reduce(0) { $0 + $1.count }
        guard size <= limit, (try? local.store(parts, as: hash)) != nil else { return }
        // The folder's size is known from its ledger, which every process adds
        // to, not from a scan per process: a task process keeps a copy or two
        // and must not list a cache of thousands of blobs to do it.
        let rescan = known.withLock { k -> Bool in
            if k.bytes == nil, let ledger = readLedger() { k = (ledger.bytes, ledger.scanned) }
            if let bytes = k.bytes { k.bytes = bytes + size }
            return k.bytes.map { $0 > limit } ?? true || Date().timeIntervalSince(k.scanned) > 600
        }
        if rescan { evict(keeping: hash) } else { addToLedger(size) }
    }

    /// `usage` in the folder: the bytes the last scan found, plus what was
    /// kept since, and when that scan was. Approximate (two processes adding
    /// at once may lose one's bytes); a scan every ten minutes corrects it.
    private var ledger: String { folder.appendingPathComponent("usage").path }

    private func readLedger() -> (bytes: Int, scanned: Date)? {
        guard let text = try? String(contentsOfFile: ledger, encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count == 2, let bytes = Int(fields[0]), let seconds = Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return (bytes, Date(timeIntervalSince1970: seconds))
    }

    private func writeLedger(bytes: Int, scanned: Date) {
        let tmp = folder.appendingPathComponent("tmp/usage-\(getpid())").path
        guard (try? "\(bytes) \(scanned.timeIntervalSince1970)\n".write(toFile: tmp, atomically: false, encoding: .utf8)) != nil else { return }
        rename(tmp, ledger)
    }

    private func addToLedger(_ size: Int) {
        guard let current = readLedger() else { return }
        writeLedger(bytes: current.bytes + size, scanned: current.scanned)
    }

    /// Removes the least recently used copies (never `newest`) until the
    /// folder is a tenth under the limit, when it is over it.
    private func evict(keeping newest: String) {
        guard var entries = try? scan() else { return }
        var total = entries.reduce(0) { $0 + $1.size }
        if total > limit {
            let target = limit - limit / 10
            entries.sort { $0.used < $1.used }
            for entry in entries where total > target && entry.hash != newest {
                if (try? local.remove(entry.hash)) != nil { total -= entry.size }
            }
        }
        let now = Date()
        known.withLock { $0 = (total, now) }
        writeLedger(bytes: total, scanned: now)
    }

    /// A read found the copy damaged (or gone): drop it and read the remote store.
    private func forget(_ hash: String, after error: StoreError) {
        if case .corruptBlob = error { try? local.remove(hash) }
    }

    /// Marks a copy as just used.
    private func touch(_ hash: String) {
        utimes(local.path(hash), nil)
    }

    /// Every copy in the folder: its name, size and last use.
    private func scan() throws -> [(hash: String, size: Int, used: Double)] {
        var out: [(hash: String, size: Int, used: Double)] = []
        let fm = FileManager.default
        for dir in try fm.contentsOfDirectory(atPath: folder.path) where dir.count == 2 {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path + "/" + dir)) ?? [] {
                let hash = dir + name
                guard SHA256.isDigest(hash) else { continue }
                var st = stat()
                guard stat(local.path(hash), &st) == 0 else { continue }
                #if os(Linux)
                let used = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
                #else
                let used = Double(st.st_mtimespec.tv_sec) + Double(st.st_mtimespec.tv_nsec) / 1e9
                #endif
                out.append((hash, Int(st.st_size), used))
            }
        }
        return out
    }
}

/// The absent remote of a cache opened on its own.
private struct NoRemote: BlobStore {
    func put(_ bytes: [UInt8]) throws -> String {
        throw StoreError.io("this blob cache is opened on its own, with no store to write to")
    }
    func get(_ hash: String) throws -> [UInt8] { throw StoreError.missingBlob(hash: hash, artifact: nil) }
    func contains(_ hash: String) -> Bool { false }
    func remove(_ hash: String) throws {}
    func allHashes() throws -> [String] { [] }
    func entries() throws -> [BlobEntry] { [] }
}
