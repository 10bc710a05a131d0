import Foundation
import Synchronization
import Testing
@testable import SpindleStore
import SpindleValue

/// A remote store stand-in that counts the calls reaching it: a read the
/// cache serves must not reach it.
final class CountingBlobStore: BlobStore {
    let inner: FileBlobStore
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: FileBlobStore) { self.inner = inner }

    func count(_ call: String) -> Int { counts.withLock { $0[call] ?? 0 } }
    private func note(_ call: String) { counts.withLock { $0[call, default: 0] += 1 } }

    func put(_ bytes: [UInt8]) throws -> String { note("put"); return try inner.put(bytes) }
    func put(parts: [UnsafeRawBufferPointer]) throws -> String { note("put"); return try inner.put(parts: parts) }
    func get(_ hash: String) throws -> [UInt8] { note("get"); return try inner.get(hash) }
    func numericArray(_ hash: String) throws -> NumericArray? { note("numericArray"); return try inner.numericArray(hash) }
    func contains(_ hash: String) -> Bool { note("contains"); return inner.contains(hash) }
    func remove(_ hash: String) throws { note("remove"); try inner.remove(hash) }
    func allHashes() throws -> [String] { note("allHashes"); return try inner.allHashes() }
    func entries() throws -> [BlobEntry] { note("entries"); return try inner.entries() }
}

@Suite("Blob cache")
struct BlobCacheTests {
    /// A remote store and a cache in front of it, in fresh folders.
    func make(limit: Int = BlobCache.defaultLimit) throws -> (CountingBlobStore, BlobCache) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("remote"), withIntermediateDirectories: true)
        let remote = CountingBlobStore(try FileBlobStore(directory: root.appendingPathComponent("remote")))
        return (remote, try BlobCache(remote: remote, folder: root.appendingPathComponent("cache"), limit: limit))
    }

    func bytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed } }

    /// Sets a cached copy's last use to `seconds` after the epoch.
    func setUsed(_ cache: BlobCache, _ hash: String, _ seconds: Int) {
        var times = [timeval(tv_sec: seconds, tv_usec: 0), timeval(tv_sec: seconds, tv_usec: 0)]
        #expect(utimes(cache.local.path(hash), &times) == 0)
    }

    @Test("the second read of a blob reaches no remote store, for bytes and for numeric arrays")
    func secondReadIsLocal() throws {
        let (remote, cache) = try make()
        let blob = bytes(5000, seed: 1)
        let hash = try remote.inner.put(blob)
        #expect(try cache.get(hash) == blob)
        #expect(remote.count("get") == 1)
        #expect(try cache.get(hash) == blob)
        #expect(remote.count("get") == 1)

        let array = NumericArray((0..<300_000).map { Double($0) / 7 })
        let header = ArtifactCodec.numericHeader(array)
        let name = try header.withUnsafeBytes { h in try array.storage.withUnsafeBytes { try remote.inner.put(parts: [h, $0]) } }
        #expect(try cache.numericArray(name) == array)
        #expect(try cache.numericArray(name) == array)
        #expect(remote.count("numericArray") == 1)
        // The copy holds the artifact's exact bytes.
        #expect(try cache.local.get(name) == ArtifactCodec.encode(.numeric(array)))
    }

    @Test("a write goes to the remote store and into the cache")
    func writeThrough() throws {
        let (remote, cache) = try make()
        let blob = bytes(3000, seed: 2)
        let hash = try cache.put(blob)
        #expect(remote.inner.contains(hash))
        #expect(cache.local.contains(hash))
        #expect(try cache.get(hash) == blob)
        #expect(remote.count("get") == 0)
    }

    @Test("a damaged copy is dropped and the blob read again from the remote store")
    func damagedCopy() throws {
        let (remote, cache) = try make()
        let blob = bytes(4000, seed: 3)
        let hash = try remote.inner.put(blob)
        _ = try cache.get(hash)
        var damaged = blob
        damaged[10] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: cache.local.path(hash)))
        #expect(try cache.get(hash) == blob)
        #expect(remote.count("get") == 2)
        #expect(try cache.local.get(hash) == blob)
    }

    @Test("over its limit the cache drops the least recently read blobs, and never keeps one larger than the limit")
    func eviction() throws {
        let (remote, cache) = try make(limit: 10_000)
        let blobs = (0..<4).map { bytes(3000, seed: UInt8(10 + $0)) }
        let hashes = try blobs.map { try remote.inner.put($0) }
        for h in hashes[0..<3] { _ = try cache.get(h) }
        #expect(try cache.summary().bytes == 9000)
        // Older uses, in order 0, 1, 2; then reading 0 makes it the most recent.
        for (i, h) in hashes[0..<3].enumerated() { setUsed(cache, h, 1_000_000 + i) }
        _ = try cache.get(hashes[0])
        _ = try cache.get(hashes[3])  // 12 000 bytes: over the limit
        let summary = try cache.summary()
        #expect(summary.bytes <= cache.limit)
        #expect(!cache.local.contains(hashes[1]))
        #expect(cache.local.contains(hashes[0]) && cache.local.contains(hashes[2]) && cache.local.contains(hashes[3]))

        let big = bytes(20_000, seed: 20)
        let bigHash = try remote.inner.put(big)
        #expect(try cache.get(bigHash) == big)
        #expect(!cache.local.contains(bigHash))
        #expect(try cache.summary().bytes <= cache.limit)
    }

    @Test("summary says what the folder holds; clear empties it and leaves the remote store alone")
    func summaryAndClear() throws {
        let (remote, cache) = try make(limit: 1 << 20)
        let hashes = try [bytes(100, seed: 30), bytes(250, seed: 31)].map { try remote.inner.put($0) }
        for h in hashes { _ = try cache.get(h) }
        #expect(try cache.summary() == .init(count: 2, bytes: 350, limit: 1 << 20, folder: cache.folder.path))
        try cache.clear()
        #expect(try cache.summary().count == 0)
        #expect(hashes.allSatisfy { remote.inner.contains($0) })
        #expect(try cache.get(hashes[0]) == bytes(100, seed: 30))
    }

    @Test("a missing blob is missingBlob, from the remote store")
    func missing() throws {
        let (_, cache) = try make()
        let hash = SHA256.hex([1, 2, 3])
        #expect(throws: StoreError.missingBlob(hash: hash, artifact: nil)) { try cache.get(hash) }
        #expect(!cache.contains(hash))
    }

    @Test("the default folder follows SPINDLE_CACHE, then XDG_CACHE_HOME, then HOME")
    func defaultFolder() {
        #expect(BlobCache.defaultFolder(environment: ["SPINDLE_CACHE": "/c", "HOME": "/h"]).path == "/c/blobs")
        #expect(BlobCache.defaultFolder(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]).path == "/x/spindle/blobs")
        #expect(BlobCache.defaultFolder(environment: ["HOME": "/h"]).path == "/h/.cache/spindle/blobs")
    }
}
