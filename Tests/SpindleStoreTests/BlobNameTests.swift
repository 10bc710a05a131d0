import Foundation
import Synchronization
import Testing
@testable import SpindleStore
import SpindleValue

/// Blob names: the SHA-256 of a small blob's bytes, a tree of chunk SHA-256s
/// for a large one, and large blobs stored under plain SHA-256 names still read.
@Suite("Blob names")
struct BlobNameTests {
    /// `count` bytes that differ from chunk to chunk.
    static func bytes(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// The tree name, computed the slow way from the definition.
    static func treeByDefinition(_ b: [UInt8]) -> String {
        var input = Array("spindle chunks 1 \(b.count) \(BlobName.chunkSize)\n".utf8)
        for start in stride(from: 0, to: b.count, by: BlobName.chunkSize) {
            let chunk = Array(b[start..<min(b.count, start + BlobName.chunkSize)])
            let hex = SHA256.hex(chunk)
            input += stride(from: 0, to: 64, by: 2).map { i in
                UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
            }
        }
        return SHA256.hex(input)
    }

    @Test("below the threshold a blob is named by the SHA-256 of its bytes")
    func small() {
        let b = Self.bytes(BlobName.treeThreshold - 1)
        #expect(b.withUnsafeBytes { BlobName.of([$0]) } == SHA256.hex(b))
        // A known vector, so that the name is SHA-256 and not merely self-consistent.
        #expect(Array("abc".utf8).withUnsafeBytes { BlobName.of([$0]) }
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a large blob is named by its chunk tree, however its bytes are split into parts",
          arguments: [BlobName.treeThreshold, 3 * BlobName.chunkSize + 12_345])
    func large(size: Int) {
        let b = Self.bytes(size)
        let expected = Self.treeByDefinition(b)
        #expect(expected != SHA256.hex(b))
        b.withUnsafeBytes { all in
            #expect(BlobName.of([all]) == expected)
            for cuts in [[7], [BlobName.chunkSize], [1, BlobName.chunkSize + 3, size - 2]] {
                var parts: [UnsafeRawBufferPointer] = []
                var start = 0
                for cut in cuts + [size] {
                    parts.append(UnsafeRawBufferPointer(rebasing: all[start..<cut]))
                    start = cut
                }
                #expect(BlobName.of(parts) == expected, "cut at \(cuts)")
            }
        }
    }

    @Test("the hashing threads' I/O fills every byte once, before it is hashed, in pieces that stay within a part and a chunk")
    func io() throws {
        let size = 3 * BlobName.chunkSize + 12_345
        let source = Self.bytes(size)
        let expected = Self.treeByDefinition(source)
        // Hashes a buffer that starts as zeros and is filled only by io, as a load does.
        let target = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { target.deallocate() }
        target.initializeMemory(as: UInt8.self, repeating: 0)
        let cut = 100
        let parts = [UnsafeRawBufferPointer(rebasing: target[..<cut]), UnsafeRawBufferPointer(rebasing: target[cut...])]
        let seen = Mutex<[Range<Int>]>([])
        let name = try source.withUnsafeBytes { src in
            nonisolated(unsafe) let src = src
            return try ChunkTree.name(of: parts, size: size) { bytes, offset in
                UnsafeMutableRawBufferPointer(mutating: bytes).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<offset + bytes.count]))
                seen.withLock { $0.append(offset..<offset + bytes.count) }
            }
        }
        #expect(name == expected)
        let pieces = seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == size)
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "gaps or overlaps")
        #expect(pieces.allSatisfy { $0.count <= ChunkTree.pieceSize })
        #expect(pieces.allSatisfy { ($0.lowerBound < cut) == ($0.upperBound <= cut) }, "a piece crosses parts")
        #expect(pieces.allSatisfy { $0.lowerBound / BlobName.chunkSize == ($0.upperBound - 1) / BlobName.chunkSize },
                "a piece crosses chunks")
    }

    @Test("an I/O failure on one hashing thread stops the naming and is what it throws")
    func ioFailure() {
        struct Full: Error {}
        let b = Self.bytes(4 * BlobName.chunkSize)
        let calls = Mutex(0)
        _ = b.withUnsafeBytes { all in
            #expect(throws: Full.self) {
                try ChunkTree.name(of: [all], size: all.count) { _, offset in
                    calls.withLock { $0 += 1 }
                    if offset >= BlobName.chunkSize { throw Full() }
                }
            }
        }
        // The other threads stop taking chunks: far fewer calls than the blob's 32 pieces.
        #expect(calls.withLock { $0 } < 4 * BlobName.chunkSize / ChunkTree.pieceSize)
    }

    @Test("a large blob matches its tree name or its plain SHA-256, and a flipped byte matches neither")
    func matching() {
        var b = Self.bytes(BlobName.treeThreshold + 1)
        let tree = b.withUnsafeBytes { BlobName.of([$0]) }
        let flat = SHA256.hex(b)
        #expect(b.withUnsafeBytes { BlobName.matches([$0], tree) })
        #expect(b.withUnsafeBytes { BlobName.matches([$0], flat) })
        b[BlobName.chunkSize + 5] ^= 1
        #expect(!b.withUnsafeBytes { BlobName.matches([$0], tree) })
        #expect(!b.withUnsafeBytes { BlobName.matches([$0], flat) })
    }

    @Test("large artifacts round-trip through the store, and damage to one is found",
          arguments: ["numeric", "bytes"])
    func storeRoundTrip(kind: String) throws {
        let (store, root) = try temporaryStore()
        let value: Value = kind == "numeric"
            ? .numeric(NumericArray((0..<1_500_000).map { Double($0) * 0.5 }))
            : .bytes(Data(Self.bytes(BlobName.treeThreshold + 100)))
        let (_, task) = try seedRun(store, artifacts: [("x", value)])
        let a = try store.artifacts(of: task)[0]
        #expect(a.size >= BlobName.treeThreshold)
        #expect(a.hash == ArtifactCodec.encode(value).withUnsafeBytes { BlobName.of([$0]) })
        #expect(try store.load(a) == value)
        // Saving it again reuses the blob.
        #expect(try store.saveArtifact("y", value, task: task).hash == a.hash)
        #expect(try store.blobs.allHashes() == [a.hash])
        let path = root.appendingPathComponent("blobs/\(a.hash.prefix(2))/\(a.hash.dropFirst(2))").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 3] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try store.load(a) }
    }

    @Test("a large blob stored under its plain SHA-256, as before chunk trees, still reads", arguments: ["numeric", "bytes"])
    func legacyName(kind: String) throws {
        let (store, root) = try temporaryStore()
        let value: Value = kind == "numeric"
            ? .numeric(NumericArray((0..<1_200_000).map { Double($0) }))
            : .bytes(Data(Self.bytes(BlobName.treeThreshold + 7)))
        let encoded = ArtifactCodec.encode(value)
        let flat = SHA256.hex(encoded)
        let dir = root.appendingPathComponent("blobs/\(flat.prefix(2))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(encoded).write(to: dir.appendingPathComponent(String(flat.dropFirst(2))))
        let record = ArtifactRecord(name: "x", hash: flat, type: value.typeName, size: encoded.count, summary: "",
                                    isOwn: true, task: Pathspec(flow: "F", run: .number(1), step: "start", task: 1))
        #expect(try store.load(record) == value)
    }
}
