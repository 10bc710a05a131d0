import Foundation
import Testing
import SpindleStore
import SpindleValue
@testable import SpindleS3

/// S3BlobStore against a real S3 server (moto, signatures checked): each
/// test under a key prefix of its own.
@Suite("S3 blob store")
struct S3BlobStoreTests {
    @Test("a small blob goes up and comes back, stored at blobs/ab/cdef… under the prefix")
    func smallRoundTrip() throws {
        let store = try TestServer.store("small")
        let bytes = TestServer.randomBytes(10_000)
        let hash = try store.put(bytes)
        #expect(hash == bytes.withUnsafeBytes { BlobName.of([$0]) })
        #expect(try store.get(hash) == bytes)
        #expect(store.contains(hash))
        let objects = try store.client.list()
        #expect(objects.map(\.key) == ["blobs/\(hash.prefix(2))/\(hash.dropFirst(2))"])
        #expect(objects.first?.size == bytes.count)
    }

    @Test("a large blob goes up in parts, is named by its chunk tree and comes back whole")
    func largeRoundTrip() throws {
        let store = try TestServer.store("large") {
            $0.partSize = 5 << 20
            $0.multipartThreshold = 6 << 20
        }
        let bytes = TestServer.randomBytes((13 << 20) + 123)
        let hash = try store.put(bytes)
        #expect(hash == bytes.withUnsafeBytes { BlobName.of([$0]) })
        #expect(hash != SHA256.hex(bytes))
        let info = try #require(try store.client.head(S3BlobStore.key(hash)))
        #expect(info.size == bytes.count)
        // S3 names a multipart object's ETag by its part count: three parts of at most 5 MiB.
        #expect(info.etag?.hasSuffix("-3\"") == true)
        #expect(try store.client.pendingUploads().isEmpty)
        #expect(try store.get(hash) == bytes)
    }

    @Test("the same bytes are stored once: a second put of a large blob only asks whether it is there; a small one is one PUT")
    func storedOnce() throws {
        let store = try TestServer.store("once")
        let bytes = TestServer.randomBytes(S3BlobStore.askFirstFrom + 5000)
        let hash = try store.put(bytes)
        let before = store.client.exchangeCount
        #expect(try store.put(bytes) == hash)
        #expect(store.client.exchangeCount == before + 1)
        // A small blob is sent without asking: one request either way.
        let small = TestServer.randomBytes(5000)
        let first = store.client.exchangeCount
        let smallHash = try store.put(small)
        #expect(store.client.exchangeCount == first + 1)
        #expect(try store.put(small) == smallHash)
        #expect(store.client.exchangeCount == first + 2)
        #expect(try store.allHashes() == [hash, smallHash].sorted())
    }

    @Test("a put that finds its bytes stored long ago refreshes the object's time, for the garbage collector's grace")
    func refreshOnReuse() throws {
        let client = try TestServer.client("refresh")
        let store = S3BlobStore(client: client, refreshAge: 0)
        let bytes = TestServer.randomBytes(S3BlobStore.askFirstFrom + 2000)
        let hash = try store.put(bytes)
        let before = client.exchangeCount
        #expect(try store.put(bytes) == hash)
        #expect(client.exchangeCount == before + 2)  // HEAD, then the copy onto itself
        #expect(try store.get(hash) == bytes)
        #expect(try store.storedBlobs().map(\.hash) == [hash])
    }

    @Test("an empty blob is a blob too")
    func emptyBlob() throws {
        let store = try TestServer.store("empty")
        let hash = try store.put([])
        #expect(hash == SHA256.hex([]))
        #expect(try store.get(hash) == [])
        #expect(try store.numericArray(hash) == nil)
    }

    @Test("an object holding other bytes than its name says is corruptBlob naming the hash", arguments: [false, true])
    func corrupt(large: Bool) throws {
        let store = try TestServer.store("corrupt")
        let bytes = TestServer.randomBytes(large ? (9 << 20) + 7 : 3000)
        let hash = try store.put(bytes)
        var other = bytes
        other[other.count / 2] ^= 0x01
        try store.client.put(S3BlobStore.key(hash), other)
        let error = #expect(throws: StoreError.self) { try store.get(hash) }
        #expect(error == .corruptBlob(hash: hash, artifact: nil))
        #expect(error.map { "\($0)" }?.contains(String(hash.prefix(12))) == true)
    }

    @Test("a blob that is not there is missingBlob, and not contained")
    func missing() throws {
        let store = try TestServer.store("missing")
        let hash = SHA256.hex(TestServer.randomBytes(64))
        #expect(throws: StoreError.missingBlob(hash: hash, artifact: nil)) { try store.get(hash) }
        #expect(throws: StoreError.missingBlob(hash: hash, artifact: nil)) { try store.numericArray(hash) }
        #expect(!store.contains(hash))
        #expect(throws: StoreError.missingBlob(hash: "not-a-hash", artifact: nil)) { try store.get("not-a-hash") }
    }

    @Test("a numeric array streams into its storage and is verified on the way", arguments: [200_000, 3_000_000])
    func numericArray(count: Int) throws {
        let store = try TestServer.store("numeric")
        let array = try NumericArray(storage: .float64((0..<count).map { Double($0) * 0.5 - 7 }), shape: [count / 4, 4])
        let header = ArtifactCodec.numericHeader(array)
        let hash = try header.withUnsafeBytes { h in try array.storage.withUnsafeBytes { try store.put(parts: [h, $0]) } }
        let encoded = ArtifactCodec.encode(.numeric(array))
        #expect(hash == encoded.withUnsafeBytes { BlobName.of([$0]) })
        #expect(try store.numericArray(hash) == array)

        var damaged = encoded
        damaged[damaged.count - 3] ^= 0x40
        try store.client.put(S3BlobStore.key(hash), damaged)
        #expect(throws: StoreError.corruptBlob(hash: hash, artifact: nil)) { try store.numericArray(hash) }
    }

    @Test("a blob that is not a numeric array gives nil, and get takes its bytes from that same download")
    func notNumeric() throws {
        let store = try TestServer.store("other")
        let bytes = ArtifactCodec.encode(.string(String(repeating: "spindle ", count: 200_000)))
        let hash = try store.put(bytes)
        let before = store.client.exchangeCount
        #expect(try store.numericArray(hash) == nil)
        #expect(try store.get(hash) == bytes)
        #expect(store.client.exchangeCount == before + 1)
    }

    @Test("listing names every blob with its size and time; remove deletes one")
    func listAndRemove() throws {
        let store = try TestServer.store("list")
        let blobs = (0..<3).map { TestServer.randomBytes(1000 + $0) }
        let hashes = try blobs.map { try store.put($0) }
        #expect(try store.allHashes() == hashes.sorted())
        let stored = try store.storedBlobs()
        #expect(Set(stored.map { "\($0.hash) \($0.size)" }) == Set(zip(hashes, blobs).map { "\($0) \($1.count)" }))
        #expect(stored.allSatisfy { $0.lastModified != nil })
        try store.remove(hashes[1])
        #expect(try store.allHashes() == [hashes[0], hashes[2]].sorted())
        #expect(!store.contains(hashes[1]))
        #expect(throws: StoreError.missingBlob(hash: hashes[1], artifact: nil)) { try store.get(hashes[1]) }
    }

    @Test("a multipart upload that fails leaves no object and no pending upload")
    func failedUploadLeavesNothing() throws {
        // S3 (and moto) refuse parts under 5 MiB when the upload completes,
        // after every part went up: a failure at the last step.
        let store = try TestServer.store("abort") {
            $0.partSize = 1 << 20
            $0.multipartThreshold = 2 << 20
        }
        let bytes = TestServer.randomBytes((3 << 20) + 5)
        let error = #expect(throws: S3Error.self) { try store.put(bytes) }
        guard case .server(400, "EntityTooSmall", _, _, _)? = error else {
            Issue.record("expected EntityTooSmall, got \(String(describing: error))")
            return
        }
        let hash = bytes.withUnsafeBytes { BlobName.of([$0]) }
        #expect(!store.contains(hash))
        #expect(try store.client.list().isEmpty)
        #expect(try store.client.pendingUploads().isEmpty)
    }

    @Test("through a BlobCache, the second read of a blob touches no network")
    func cacheInFront() throws {
        let store = try TestServer.store("cache")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-s3cache-\(UUID().uuidString)")
        let cache = try BlobCache(remote: store, folder: folder)
        let bytes = TestServer.randomBytes(20_000)
        let hash = try store.put(bytes)
        let array = NumericArray((0..<200_000).map { Int64($0) })
        let name = try store.put(ArtifactCodec.encode(.numeric(array)))

        #expect(try cache.get(hash) == bytes)
        #expect(try cache.numericArray(name) == array)
        let before = store.client.exchangeCount
        #expect(try cache.get(hash) == bytes)
        #expect(try cache.numericArray(name) == array)
        #expect(store.client.exchangeCount == before)
        try? FileManager.default.removeItem(at: folder)
    }
}
