import Foundation
import SpindleValue

/// Where artifact bytes live, named by their SHA-256 (``BlobName``). The embedded
/// implementation is ``FileBlobStore``; an object-storage one (S3 and the like)
/// would implement the same protocol when a team outgrows one machine.
public protocol BlobStore: Sendable {
    /// Stores `bytes` (once: the same bytes are never written twice) and returns their hash.
    func put(_ bytes: [UInt8]) throws -> String
    /// The bytes named `hash`, verified against it.
    func get(_ hash: String) throws -> [UInt8]
    /// Whether a blob named `hash` is stored.
    func contains(_ hash: String) -> Bool
    /// Removes the blob named `hash`, if present.
    func remove(_ hash: String) throws
    /// Every stored blob's hash.
    func allHashes() throws -> [String]
    /// Stores the bytes of `parts`, one after another, as one blob, without
    /// joining them in memory first; returns its hash.
    func put(parts: [UnsafeRawBufferPointer]) throws -> String
    /// The blob named `hash` read straight into a numeric array's storage and
    /// verified on the way, when it is an artifact holding one numeric array;
    /// nil when it holds something else.
    func numericArray(_ hash: String) throws -> NumericArray?
    /// Every stored blob with its size and when it was written, for garbage
    /// collection (which keeps young unreferenced blobs: a task may have
    /// written one and not yet committed the row that names it).
    func entries() throws -> [BlobEntry]
    /// Removes leftovers of writes that never finished, older than `age` seconds.
    func removeAbandonedWrites(olderThan age: TimeInterval) throws
}

/// A stored blob as garbage collection sees it.
public struct BlobEntry: Sendable, Equatable {
    public var hash: String
    public var size: Int
    public var modified: Date
    public init(hash: String, size: Int, modified: Date) {
        self.hash = hash
        self.size = size
        self.modified = modified
    }
}

extension BlobStore {
    public func put(parts: [UnsafeRawBufferPointer]) throws -> String {
        var joined: [UInt8] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { joined.append(contentsOf: p) }
        return try put(joined)
    }

    public func numericArray(_ hash: String) throws -> NumericArray? { nil }

    public func removeAbandonedWrites(olderThan age: TimeInterval) throws {}
}

/// Blobs as files `blobs/ab/cdef…` under the store, written to a temporary
/// file and renamed into place so that a reader never sees half a blob.
public struct FileBlobStore: BlobStore {
    public let directory: URL
    /// `directory.path`, worked out once: Foundation's `URL.path` was 4 % of a task's CPU,
    /// asked for on every blob read and write.
    private let root: String

    public init(directory: URL) throws {
        self.directory = directory
        root = directory.path
        // Two mkdirs, not FileManager's checks: every task process opens the store.
        for dir in [root, root + "/tmp"] where mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw StoreError.io("cannot create \(dir): \(FileIO.lastError)")
        }
    }

    func path(_ hash: String) -> String {
        root + "/" + hash.prefix(2) + "/" + hash.dropFirst(2)
    }

    public func put(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBytes { try put(parts: [$0]) }
    }

    public func put(parts: [UnsafeRawBufferPointer]) throws -> String {
        let size = parts.reduce(0) { $0 + $1.count }
        if size < BlobName.treeThreshold {
            let hash = BlobName.of(parts)
            if reuse(hash) { return hash }
            let (fd, tmp) = try createTemporary(String(hash.prefix(16)))
            var failed: Int32 = 0
            BlobName.forEachSegment(of: parts, in: 0..<size) { bytes, offset in
                if failed == 0 { failed = Self.writeAll(fd, bytes, at: offset) }
            }
            close(fd)
            return try place(tmp, as: hash, failed: failed)
        }
        // A large blob: each hashing thread writes the pieces of its chunks,
        // so the copy and the hash share all the cores.
        let (fd, tmp) = try createTemporary("chunks")
        let hash: String
        do {
            hash = try ChunkTree.name(of: parts, size: size) { bytes, offset in
                let failed = Self.writeAll(fd, bytes, at: offset)
                if failed != 0 { throw StoreError.io("cannot write a blob: \(FileIO.describe(failed))") }
            }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        if reuse(hash) {
            unlink(tmp)
            return hash
        }
        return try place(tmp, as: hash, failed: 0)
    }

    /// Stores the bytes of `parts` as the blob named `hash` without naming
    /// them again: for a cache whose bytes were verified against that name as
    /// they arrived (``BlobCache``). A blob already there is touched instead.
    package func store(_ parts: [UnsafeRawBufferPointer], as hash: String) throws {
        guard SHA256.isDigest(hash) else { throw StoreError.io("not a blob name: \(hash)") }
        if reuse(hash) { return }
        let (fd, tmp) = try createTemporary(String(hash.prefix(16)))
        var failed: Int32 = 0
        var offset = 0
        for p in parts where failed == 0 {
            failed = Self.writeAll(fd, p, at: offset)
            offset += p.count
        }
        close(fd)
        _ = try place(tmp, as: hash, failed: failed)
    }

    /// Whether a blob named `hash` is already stored; touches it if so, since
    /// gc keeps blobs written (or reused) within its grace period.
    private func reuse(_ hash: String) -> Bool {
        let final = path(hash)
        guard access(final, F_OK) == 0 else { return false }
        utimes(final, nil)
        return true
    }

    /// A new file under `tmp/`, open for writing.
    private func createTemporary(_ label: String) throws -> (fd: Int32, path: String) {
        let tmp = root + "/tmp/\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot write blob \(tmp): \(FileIO.lastError)") }
        return (fd, tmp)
    }

    /// Writes `bytes` to `fd` at `offset`; returns 0, or the errno of a failed write.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        FileIO.writeAll(fd, bytes, at: offset)
    }

    /// Renames the written temporary file `tmp` to the blob's place, or removes it
    /// and throws when writing it failed (`failed` is an errno) or the rename does.
    private func place(_ tmp: String, as hash: String, failed: Int32) throws -> String {
        if failed != 0 {
            unlink(tmp)
            throw StoreError.io("cannot write blob \(hash.prefix(12))…: \(FileIO.describe(failed))")
        }
        let dir = root + "/" + hash.prefix(2)
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            unlink(tmp)
            throw StoreError.io("cannot create \(dir): \(FileIO.lastError)")
        }
        guard rename(tmp, path(hash)) == 0 else {
            let e = errno
            unlink(tmp)
            throw StoreError.io("cannot store blob \(hash.prefix(12))…: \(FileIO.describe(e))")
        }
        return hash
    }

    public func numericArray(_ hash: String) throws -> NumericArray? {
        let (fd, size) = try openBlob(hash)
        defer { close(fd) }
        // The header is a few bytes; 256 holds any shape a real array has.
        var head = [UInt8](repeating: 0, count: Swift.min(size, 256))
        let got = try head.withUnsafeMutableBytes { try Self.readFully(fd, $0, at: 0, hash: hash) }
        guard got == head.count else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
        guard let layout = head.withUnsafeBytes({ ArtifactCodec.numericLayout($0, totalSize: size) }) else { return nil }
        let array = try ArtifactCodec.numericArray(layout) { storage in
            HugePages.advise(storage)
            // The elements already read with the header, then the rest straight from the file.
            let early = head.count - layout.headerSize
            head.withUnsafeBytes { h in
                storage.baseAddress!.copyMemory(from: h.baseAddress! + layout.headerSize, byteCount: early)
            }
            try head.withUnsafeBytes { h in
                // The blob is the header, then the elements: check them against its name.
                let blob = [UnsafeRawBufferPointer(rebasing: h[..<layout.headerSize]), UnsafeRawBufferPointer(storage)]
                guard size >= BlobName.treeThreshold else {
                    let rest = UnsafeMutableRawBufferPointer(rebasing: storage[early...])
                    guard try Self.readFully(fd, rest, at: layout.headerSize + early, hash: hash) == rest.count else {
                        throw StoreError.corruptBlob(hash: hash, artifact: nil)
                    }
                    guard BlobName.matches(blob, hash) else { throw StoreError.corruptBlob(hash: hash, artifact: nil) }
                    return
                }
                // Large: each hashing thread reads the pieces of its chunks into
                // place, then hashes them. The header is in memory already.
                let headerSize = layout.headerSize
                let name = try ChunkTree.name(of: blob, size: size) { bytes, offset in
                    guard offset >= headerSize else { return }
                    let place = UnsafeMutableRawBufferPointer(mutating: bytes)
                    guard try Self.readFully(fd, place, at: offset, hash: hash) == place.count else {
                        throw StoreError.corruptBlob(hash: hash, artifact: nil)
                    }
                }
                guard BlobName.matches(blob, treeName: name, hash) else {
                    throw StoreError.corruptBlob(hash: hash, artifact: nil)
                }
            }
        }
        return array
    }

    /// Reads from `offset` until `buffer` is full or the file ends; returns the bytes read.
    private static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                                  hash: String) throws(StoreError) -> Int {
        switch FileIO.readFully(fd, buffer, at: offset) {
        case .success(let n): return n
        case .failure(let e): throw StoreError.io("cannot read blob \(hash.prefix(12))…: \(e)")
        }
    }

    /// The open blob named `hash` (the caller closes it) and its size.
    private func openBlob(_ hash: String) throws -> (fd: Int32, size: Int) {
        guard SHA256.isDigest(hash) else { throw StoreError.missingBlob(hash: hash, artifact: nil) }
        let fd = open(path(hash), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw StoreError.missingBlob(hash: hash, artifact: nil) }
            throw StoreError.io("cannot read blob \(hash.prefix(12))…: \(FileIO.lastError)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw StoreError.io("cannot stat blob \(hash.prefix(12))…")
        }
        return (fd, Int(st.st_size))
    }

    public func get(_ hash: String) throws -> [UInt8] {
        let (fd, size) = try openBlob(hash)
        defer { close(fd) }
        let bytes = try [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            count = try Self.readFully(fd, UnsafeMutableRawBufferPointer(buf), at: 0, hash: hash)
        }
        guard bytes.count == size, bytes.withUnsafeBytes({ BlobName.matches([$0], hash) }) else {
            throw StoreError.corruptBlob(hash: hash, artifact: nil)
        }
        return bytes
    }

    public func contains(_ hash: String) -> Bool {
        SHA256.isDigest(hash) && access(path(hash), F_OK) == 0
    }

    public func remove(_ hash: String) throws {
        guard SHA256.isDigest(hash) else { return }
        if unlink(path(hash)) != 0 && errno != ENOENT {
            throw StoreError.io("cannot remove blob \(hash.prefix(12))…: \(FileIO.lastError)")
        }
    }

    public func allHashes() throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for dir in try fm.contentsOfDirectory(atPath: root) where dir.count == 2 {
            for name in (try? fm.contentsOfDirectory(atPath: root + "/" + dir)) ?? [] {
                let h = dir + name
                if SHA256.isDigest(h) { out.append(h) }
            }
        }
        return out.sorted()
    }

    public func entries() throws -> [BlobEntry] {
        try allHashes().compactMap { hash in
            var info = stat()
            guard stat(path(hash), &info) == 0 else { return nil }
            return BlobEntry(hash: hash, size: Int(info.st_size),
                             modified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9))
        }
    }

    /// Removes temporary files in `blobs/tmp` older than `age`: writes a killed process left.
    public func removeAbandonedWrites(olderThan age: TimeInterval) throws {
        let fm = FileManager.default
        let tmp = directory.appendingPathComponent("tmp")
        let now = Date()
        for name in (try? fm.contentsOfDirectory(atPath: tmp.path)) ?? [] {
            let path = tmp.appendingPathComponent(name).path
            if let d = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, now.timeIntervalSince(d) >= age {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}
