import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

@Suite("Tiered blobs: small ones as database rows")
struct TieredBlobStoreTests {
    /// A tiered store over a fresh SQLite database and a counting large tier.
    func make() throws -> (TieredBlobStore, CountingBlobStore) {
        let (store, root) = try temporaryStore()
        let large = CountingBlobStore(try FileBlobStore(directory: root.appendingPathComponent("large")))
        return (TieredBlobStore(metadata: store.metadata, large: large), large)
    }

    @Test("a small blob is a row and a large one an object; both read back verified, under the same names as files")
    func tiers() throws {
        let (tiered, large) = try make()
        let small = Array("a short string artifact".utf8), big = [UInt8](repeating: 7, count: TieredBlobStore.inlineLimit)
        let s = try tiered.put(small), b = try tiered.put(big)
        #expect(s == small.withUnsafeBytes { BlobName.of([$0]) })
        #expect(large.count("put") == 1, "only the large blob reached the large tier")
        #expect(try tiered.get(s) == small)
        #expect(try tiered.get(b) == big)
        #expect(tiered.contains(s) && tiered.contains(b))
        #expect(try tiered.entries().map(\.hash) == [s, b].sorted())
        #expect(try tiered.entries().first { $0.hash == s }?.size == small.count)
        try tiered.remove(s)
        #expect(!tiered.contains(s))
        #expect(throws: StoreError.missingBlob(hash: s, artifact: nil)) { try tiered.get(s) }
    }

    @Test("a damaged row is a corrupt blob, never a wrong value")
    func damagedRow() throws {
        let (tiered, _) = try make()
        let hash = try tiered.put(Array("forty-two".utf8))
        try tiered.metadata.write { try $0.execute(sql: "UPDATE small_blobs SET bytes = ?", Array("forty-three".utf8)) }
        #expect(throws: StoreError.corruptBlob(hash: hash, artifact: nil)) { try tiered.get(hash) }
        #expect(throws: StoreError.corruptBlob(hash: hash, artifact: nil)) { try tiered.smallBlobs([hash]) }
    }

    @Test("storing the same bytes again renews the row's time, for the collector's grace")
    func renewed() throws {
        let (tiered, _) = try make()
        _ = try tiered.put([1, 2, 3])
        try tiered.metadata.write { try $0.execute(sql: "UPDATE small_blobs SET written = 0") }
        #expect(try tiered.entries().first?.modified == Date(timeIntervalSince1970: 0))
        _ = try tiered.put([1, 2, 3])
        #expect(try tiered.entries().first.map { Date().timeIntervalSince($0.modified) < 60 } == true)
    }
}
