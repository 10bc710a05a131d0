import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// Large numeric arrays go to and from their blobs without an encoded copy;
/// the bytes, the hash and every error stay what the whole-blob path gives.
@Suite("Large numeric artifacts")
struct LargeArtifactTests {
    static let arrays: [Value] = [
        .numeric(NumericArray((0..<300_000).map { Double($0) / 3 })),
        .numeric(try! NumericArray(storage: .float32((0..<600_000).map { Float($0) }), shape: [600, 1000])),
        .numeric(NumericArray((0..<300_000).map { Int64($0) - 150_000 })),
        .numeric(try! NumericArray(storage: .int32((0..<300_000).map { Int32($0) }))),
        .numeric(try! NumericArray(storage: .uint8((0..<2_000_000).map { UInt8($0 % 256) }))),
        .numeric(try! NumericArray(storage: .bool((0..<2_000_000).map { $0 % 3 == 0 }))),
    ]

    @Test("each element type saves as the encoder's bytes and loads back equal", arguments: 0..<6)
    func roundTrip(index: Int) throws {
        let (store, _) = try temporaryStore()
        let value = Self.arrays[index]
        let (_, task) = try seedRun(store, artifacts: [("x", value)])
        let record = try store.artifacts(of: task)[0]
        let encoded = ArtifactCodec.encode(value)
        #expect(record.hash == encoded.withUnsafeBytes { BlobName.of([$0]) })
        #expect(record.size == encoded.count)
        #expect(try store.load(record) == value)
    }

    @Test("the header and layout agree with the encoder, and other values have no layout")
    func layout() throws {
        let array = try NumericArray(storage: .float64((0..<12).map(Double.init)), shape: [3, 4])
        let encoded = ArtifactCodec.encode(.numeric(array))
        let header = ArtifactCodec.numericHeader(array)
        #expect(Array(encoded.prefix(header.count)) == header)
        let layout = encoded.withUnsafeBytes { ArtifactCodec.numericLayout($0, totalSize: encoded.count) }
        #expect(layout == .init(elementType: .float64, shape: [3, 4], count: 12, headerSize: header.count))
        #expect(encoded.withUnsafeBytes { ArtifactCodec.numericLayout($0, totalSize: encoded.count + 1) } == nil)
        let other = ArtifactCodec.encode(["w": 1.0])
        #expect(other.withUnsafeBytes { ArtifactCodec.numericLayout($0, totalSize: other.count) } == nil)
    }

    @Test("a flipped byte, a truncated blob or a missing one is an error naming the artifact", arguments: ["flip", "truncate", "remove"])
    func damage(kind: String) throws {
        let (store, root) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("x", Self.arrays[0])])
        let a = try store.artifacts(of: task)[0]
        let path = root.appendingPathComponent("blobs/\(a.hash.prefix(2))/\(a.hash.dropFirst(2))").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        switch kind {
        case "flip": bytes[bytes.count / 2] ^= 0x10
        case "truncate": bytes.removeLast(8)
        default: try FileManager.default.removeItem(atPath: path)
        }
        if kind != "remove" { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        let error = #expect(throws: StoreError.self) { try store.load(a) }
        let expected = kind == "remove"
            ? "missing artifact data for F/1/start/1/x: blob \(a.hash.prefix(12))"
            : "corrupt artifact F/1/start/1/x: blob \(a.hash.prefix(12))… does not match its hash; the file was damaged"
        #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
    }
}
