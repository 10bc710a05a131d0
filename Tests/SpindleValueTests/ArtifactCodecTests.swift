import Foundation
import Testing
@testable import SpindleValue

@Suite("Artifact codec")
struct ArtifactCodecTests {
    @Test("random values of every kind round-trip exactly", arguments: [1, 2, 3, 4] as [UInt64])
    func propertyRoundTrip(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let v = randomValue(&g)
            let bytes = ArtifactCodec.encode(v)
            #expect(bytes.count == 5 + ArtifactCodec.encodedSize(v))
            #expect(try ArtifactCodec.decode(bytes) == v)
        }
    }

    @Test("the layout starts with the magic and the format version")
    func header() {
        let bytes = ArtifactCodec.encode(.null)
        #expect(bytes == [0x53, 0x50, 0x4E, 0x56, 1, 0])
        // A numeric array's elements are its raw little-endian bytes after type and shape.
        let n = ArtifactCodec.encode(.numeric(NumericArray([1.0] as [Double])))
        #expect(Array(n[5...]) == [9, 1, 1, 1] + withUnsafeBytes(of: (1.0).bitPattern.littleEndian, Array.init))
    }

    @Test("NaN round-trips and equals itself; different kinds never equal")
    func nanEquality() throws {
        #expect(Value.double(.nan) == .double(.nan))
        #expect(Value.double(-0.0) == .double(0.0))
        #expect(Value.int(1) != .double(1))
        let arr = Value.numeric(NumericArray([.nan, 1] as [Double]))
        #expect(try ArtifactCodec.decode(ArtifactCodec.encode(arr)) == arr)
    }

    @Test("malformed input gives the error that says which", arguments: [
        ([UInt8]([]), ArtifactCodecError.truncated(offset: 0, needed: 4, available: 0)),
        ([0x53, 0x50, 0x4E, 0x57, 1, 0], .notAnArtifact),
        ([0x53, 0x50, 0x4E, 0x56, 2, 0], .unsupportedVersion(found: 2, supported: 1)),
        ([0x53, 0x50, 0x4E, 0x56, 0, 0], .unsupportedVersion(found: 0, supported: 1)),
        ([0x53, 0x50, 0x4E, 0x56, 1], .truncated(offset: 5, needed: 1, available: 0)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 42], .unknownTag(42, offset: 5)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 3, 1, 2], .truncated(offset: 6, needed: 8, available: 2)),
        // An array claiming 2^62 elements in a few bytes: refused before allocating.
        ([0x53, 0x50, 0x4E, 0x56, 1, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
         .lengthExceedsInput(length: 1 << 62, available: 0, offset: 6)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
         .malformedLength(offset: 6)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 5, 2, 0xC3, 0x28], .invalidUTF8(offset: 7)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 9, 6, 1, 2, 1, 7], .invalidBool(offset: 10)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 9, 77, 1, 0], .unknownElementType(77, offset: 6)),
        // A shape whose product overflows.
        ([0x53, 0x50, 0x4E, 0x56, 1, 9, 1, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
         .lengthExceedsInput(length: Int.max, available: 0, offset: 8)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 9, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0],
         .lengthExceedsInput(length: 16, available: 8, offset: 9)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 8, 2, 1, 0x61, 0, 1, 0x61, 0], .duplicateKey("a", offset: 10)),
        ([0x53, 0x50, 0x4E, 0x56, 1, 0, 0], .trailingBytes(count: 1, offset: 6)),
    ])
    func malformed(bytes: [UInt8], expected: ArtifactCodecError) {
        #expect(throws: expected) { try ArtifactCodec.decode(bytes) }
    }

    @Test("nesting deeper than the limit is refused, not a stack overflow")
    func deepNesting() {
        let depth = 100_000
        // [[[[…]]]]: each level a one-element array.
        let bytes = ArtifactCodec.magic + [1] + Array(repeating: [7, 1] as [UInt8], count: depth).flatMap { $0 } + [0]
        #expect(throws: ArtifactCodecError.nestingTooDeep(limit: ArtifactCodec.maxNesting, offset: 5 + 2 * ArtifactCodec.maxNesting)) {
            try ArtifactCodec.decode(bytes)
        }
    }

    @Test("every truncation of a valid artifact is an error, never a crash")
    func everyPrefix() throws {
        var g = SeededGenerator(seed: 99)
        let v: Value = ["a": randomValue(&g), "b": .numeric(randomNumeric(&g)), "c": "text", "d": [1, 2.5, nil]]
        let bytes = ArtifactCodec.encode(v)
        for n in 0..<bytes.count {
            #expect(throws: ArtifactCodecError.self) { try ArtifactCodec.decode(Array(bytes[..<n])) }
        }
    }

    @Test("random corruption decodes to a value that round-trips exactly, or throws a codec error inside the input")
    func randomCorruption() {
        var g = SeededGenerator(seed: 7)
        var decoded = 0, rejected = 0
        for _ in 0..<3000 {
            var bytes = ArtifactCodec.encode(randomValue(&g))
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let i = Int.random(in: 0..<bytes.count, using: &g)
                bytes[i] = UInt8.random(in: 0...255, using: &g)
            }
            switch Result(catching: { () throws(ArtifactCodecError) -> Value in try ArtifactCodec.decode(bytes) }) {
            case .success(let v):
                decoded += 1
                // What a corrupted artifact decodes to is a value like any other: it encodes and decodes back to itself.
                let again = ArtifactCodec.encode(v)
                #expect(again.count == 5 + ArtifactCodec.encodedSize(v))
                #expect((try? ArtifactCodec.decode(again)) == v)
            case .failure(let error):
                rejected += 1
                // The error names a place in the input, never one past its end.
                if let offset = Self.offset(of: error) {
                    #expect(offset >= 0 && offset <= bytes.count, "\(error) for \(bytes.count) bytes")
                }
            }
        }
        // Both outcomes happen, so both branches above were checked.
        #expect(decoded > 100)
        #expect(rejected > 100)
    }

    /// Where in the input an error was found, for the errors that say.
    static func offset(of error: ArtifactCodecError) -> Int? {
        switch error {
        case .notAnArtifact, .unsupportedVersion: nil
        case .truncated(let o, _, _), .unknownTag(_, let o), .unknownElementType(_, let o), .lengthExceedsInput(_, _, let o),
             .malformedLength(let o), .invalidUTF8(let o), .invalidBool(let o), .duplicateKey(_, let o),
             .nestingTooDeep(_, let o), .trailingBytes(_, let o):
            o
        }
    }

    @Test("error messages say what is wrong")
    func messages() {
        #expect(ArtifactCodecError.unsupportedVersion(found: 2, supported: 1).description
            == "artifact format version 2 is newer than this Spindle reads (up to 1); upgrade Spindle")
        #expect(ArtifactCodecError.truncated(offset: 6, needed: 8, available: 2).description
            == "truncated artifact: 8 bytes needed at offset 6, 2 left")
    }
}
