import Foundation
import Testing
import SpindleStore
import SpindleValue
@testable import SpindleS3

/// S3BlobStore against a real S3 server (moto, signatures checked).
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
        let info = try #require(try store.client.head("blobs/\(hash.prefix(2))/\(hash.dropFirst(2))"))
        #expect(info.size == bytes.count)
    }
}
