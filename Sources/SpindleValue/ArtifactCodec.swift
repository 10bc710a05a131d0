import Foundation
import OrderedCollections

/// The binary format in which artifacts are stored.
///
/// Layout: the magic `SPNV`, one byte of format version, then one value. A
/// value is a one-byte tag and its payload; lengths and counts are unsigned
/// LEB128. Numeric arrays are their raw little-endian elements after the
/// element type and shape, so a 100 MB `[Double]` encodes and decodes with
/// one memory copy. The full grammar is in docs/artifact-format.md.
///
/// ```swift
/// let bytes = ArtifactCodec.encode(["rate": 0.01])
/// let back = try ArtifactCodec.decode(bytes)   // == ["rate": 0.01]
/// ```
///
/// Decoding treats its input as untrusted: every length is checked against
/// the bytes that remain before anything is allocated, nesting is bounded,
/// and every malformation is an ``ArtifactCodecError``.
public enum ArtifactCodec {
    /// The four bytes every artifact starts with.
    public static let magic: [UInt8] = Array("SPNV".utf8)
    /// The format version this build writes and the newest it reads.
    public static let formatVersion: UInt8 = 1
    /// How deeply arrays and objects may nest in decoded input.
    public static let maxNesting = 512

    /// The value tags of the format.
    enum Tag: UInt8 {
        case null = 0, `false` = 1, `true` = 2, int = 3, double = 4, string = 5, bytes = 6
        case array = 7, object = 8, numeric = 9
    }

    /// The bytes of `value` in the artifact format.
    public static func encode(_ value: Value) -> [UInt8] {
        let size = 5 + encodedSize(value)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var w = Writer(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            w.bytes(magic)
            w.byte(formatVersion)
            w.value(value)
            precondition(w.offset == size, "artifact size computed wrongly")
            count = size
        }
    }

    /// The value that `bytes` encode.
    public static func decode(_ bytes: some ContiguousBytes) throws(ArtifactCodecError) -> Value {
        let result: Result<Value, ArtifactCodecError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ArtifactCodecError) -> Value in try decode(raw) }
        }
        return try result.get()
    }

    /// The value that the bytes in `raw` encode.
    public static func decode(_ raw: UnsafeRawBufferPointer) throws(ArtifactCodecError) -> Value {
        var r = Reader(raw)
        let head = try r.take(4)
        guard head.elementsEqual(magic) else { throw .notAnArtifact }
        let version = try r.byte()
        guard version <= formatVersion, version >= 1 else {
            throw .unsupportedVersion(found: version, supported: formatVersion)
        }
        let v = try r.value(depth: 0)
        guard r.offset == raw.count else { throw .trailingBytes(count: raw.count - r.offset, offset: r.offset) }
        return v
    }

    // MARK: Size

    static func varintSize(_ n: Int) -> Int {
        var n = UInt(n), s = 1
        while n >= 0x80 { n >>= 7; s += 1 }
        return s
    }

    static func encodedSize(_ v: Value) -> Int {
        switch v {
        case .null, .bool: return 1
        case .int, .double: return 9
        case .string(let s): let n = s.utf8.count; return 1 + varintSize(n) + n
        case .bytes(let d): return 1 + varintSize(d.count) + d.count
        case .array(let a):
            var s = 1 + varintSize(a.count)
            for e in a { s += encodedSize(e) }
            return s
        case .object(let o):
            var s = 1 + varintSize(o.count)
            for (k, e) in o {
                let n = k.utf8.count
                s += varintSize(n) + n + encodedSize(e)
            }
            return s
        case .numeric(let n):
            var s = 2 + varintSize(n.rank)
            for d in n.shape { s += varintSize(d) }
            return s + n.count * n.elementType.byteWidth
        }
    }

    // MARK: Writing

    struct Writer {
        let base: UnsafeMutableRawPointer
        var offset = 0

        mutating func byte(_ b: UInt8) {
            base.storeBytes(of: b, toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
        mutating func bytes(_ raw: UnsafeRawBufferPointer) {
            guard raw.count > 0 else { return }
            (base + offset).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
            offset += raw.count
        }
        mutating func bytes(_ a: [UInt8]) { a.withUnsafeBytes { bytes($0) } }
        mutating func varint(_ n: Int) {
            var n = UInt(n)
            while n >= 0x80 { byte(UInt8(n & 0x7f) | 0x80); n >>= 7 }
            byte(UInt8(n))
        }
        mutating func u64(_ x: UInt64) {
            var le = x.littleEndian
            withUnsafeBytes(of: &le) { bytes($0) }
        }
        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { u in varint(u.count); bytes(UnsafeRawBufferPointer(u)) }
        }

        mutating func value(_ v: Value) {
            switch v {
            case .null: byte(Tag.null.rawValue)
            case .bool(let b): byte(b ? Tag.true.rawValue : Tag.false.rawValue)
            case .int(let i): byte(Tag.int.rawValue); u64(UInt64(bitPattern: i))
            case .double(let d): byte(Tag.double.rawValue); u64(d.bitPattern)
            case .string(let s): byte(Tag.string.rawValue); string(s)
            case .bytes(let d):
                byte(Tag.bytes.rawValue)
                varint(d.count)
                d.withUnsafeBytes { bytes($0) }
            case .array(let a):
                byte(Tag.array.rawValue)
                varint(a.count)
                for e in a { value(e) }
            case .object(let o):
                byte(Tag.object.rawValue)
                varint(o.count)
                for (k, e) in o { string(k); value(e) }
            case .numeric(let n):
                byte(Tag.numeric.rawValue)
                byte(n.elementType.rawValue)
                varint(n.rank)
                for d in n.shape { varint(d) }
                // Elements are little-endian in memory on every supported platform.
                n.storage.withUnsafeBytes { bytes($0) }
            }
        }
    }

    // MARK: Reading

    struct Reader {
        let raw: UnsafeRawBufferPointer
        var offset = 0
        init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

        var remaining: Int { raw.count - offset }

        mutating func take(_ n: Int) throws(ArtifactCodecError) -> UnsafeRawBufferPointer {
            guard n <= remaining else { throw .truncated(offset: offset, needed: n, available: remaining) }
            let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)])
            offset += n
            return slice
        }
        mutating func byte() throws(ArtifactCodecError) -> UInt8 {
            guard remaining >= 1 else { throw .truncated(offset: offset, needed: 1, available: 0) }
            defer { offset += 1 }
            return raw[offset]
        }
        mutating func u64() throws(ArtifactCodecError) -> UInt64 {
            let b = try take(8)
            return UInt64(littleEndian: b.loadUnaligned(as: UInt64.self))
        }
        mutating func varint() throws(ArtifactCodecError) -> Int {
            let start = offset
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                if shift == 63 && b > 1 { throw .malformedLength(offset: start) }
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                if shift > 63 { throw .malformedLength(offset: start) }
            }
            guard result <= UInt64(Int.max) else { throw .malformedLength(offset: start) }
            return Int(result)
        }
        /// A length that must fit in what is left, each unit taking at least `unit` bytes.
        mutating func length(unit: Int = 1) throws(ArtifactCodecError) -> Int {
            let at = offset
            let n = try varint()
            let (need, overflow) = n.multipliedReportingOverflow(by: unit)
            guard !overflow, need <= remaining else {
                throw .lengthExceedsInput(length: n, available: remaining, offset: at)
            }
            return n
        }
        mutating func string() throws(ArtifactCodecError) -> String {
            let n = try length()
            let at = offset
            let b = try take(n)
            guard let s = String(validating: b.bindMemory(to: UInt8.self), as: UTF8.self) else {
                throw .invalidUTF8(offset: at)
            }
            return s
        }

        mutating func value(depth: Int) throws(ArtifactCodecError) -> Value {
            let at = offset
            let t = try byte()
            guard let tag = Tag(rawValue: t) else { throw .unknownTag(t, offset: at) }
            switch tag {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .int: return .int(Int64(bitPattern: try u64()))
            case .double: return .double(Double(bitPattern: try u64()))
            case .string: return .string(try string())
            case .bytes:
                let n = try length()
                return .bytes(Data(try take(n)))
            case .array:
                guard depth < maxNesting else { throw .nestingTooDeep(limit: maxNesting, offset: at) }
                let n = try length()
                var a = [Value]()
                a.reserveCapacity(n)
                for _ in 0..<n { a.append(try value(depth: depth + 1)) }
                return .array(a)
            case .object:
                guard depth < maxNesting else { throw .nestingTooDeep(limit: maxNesting, offset: at) }
                let n = try length(unit: 2)
                var o = OrderedDictionary<String, Value>(minimumCapacity: n)
                for _ in 0..<n {
                    let keyAt = offset
                    let k = try string()
                    let v = try value(depth: depth + 1)
                    guard o.updateValue(v, forKey: k) == nil else { throw .duplicateKey(k, offset: keyAt) }
                }
                return .object(o)
            case .numeric:
                return .numeric(try numeric())
            }
        }

        mutating func numeric() throws(ArtifactCodecError) -> NumericArray {
            let typeAt = offset
            let t = try byte()
            guard let type = NumericArray.ElementType(rawValue: t) else {
                throw .unknownElementType(t, offset: typeAt)
            }
            let rank = try length()
            var shape = [Int]()
            shape.reserveCapacity(rank)
            var count = 1
            let shapeAt = offset
            for _ in 0..<rank {
                let d = try varint()
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o else { throw .lengthExceedsInput(length: Int.max, available: remaining, offset: shapeAt) }
                count = p
                shape.append(d)
            }
            let (byteCount, o) = count.multipliedReportingOverflow(by: type.byteWidth)
            guard !o, byteCount <= remaining else {
                throw .lengthExceedsInput(length: o ? Int.max : byteCount, available: remaining, offset: offset)
            }
            let dataAt = offset
            let payload = try take(byteCount)
            let storage: NumericArray.Storage
            switch type {
            case .float64: storage = .float64(Reader.copy(payload, count, Double.self))
            case .float32: storage = .float32(Reader.copy(payload, count, Float.self))
            case .int64: storage = .int64(Reader.copy(payload, count, Int64.self))
            case .int32: storage = .int32(Reader.copy(payload, count, Int32.self))
            case .uint8: storage = .uint8(Array(payload))
            case .bool:
                if let bad = payload.firstIndex(where: { $0 > 1 }) {
                    throw .invalidBool(offset: dataAt + bad)
                }
                storage = .bool(Reader.copy(payload, count, Bool.self))
            }
            // The count is the shape's product by construction.
            return try! NumericArray(storage: storage, shape: shape)
        }

        /// `count` elements of `T` copied out of `payload` (which may be unaligned).
        static func copy<T>(_ payload: UnsafeRawBufferPointer, _ count: Int, _: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                        from: payload.baseAddress!, byteCount: count * MemoryLayout<T>.stride)
                }
                initialized = count
            }
        }
    }
}
