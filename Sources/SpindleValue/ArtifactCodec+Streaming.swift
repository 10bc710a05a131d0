/// Large numeric arrays without a second copy in memory.
///
/// An artifact that is one numeric array is a short header followed by the
/// raw elements. A store can write the header and then the array's own bytes,
/// and read the elements from a file straight into a new array's storage, so
/// that saving or loading 100 MB holds 100 MB, not 200.
///
/// ```swift
/// let header = ArtifactCodec.numericHeader(array)       // then write array's bytes
/// let layout = ArtifactCodec.numericLayout(firstBytes)  // nil: decode it whole
/// ```
extension ArtifactCodec {
    /// Where the elements lie in an artifact that is one numeric array.
    public struct NumericLayout: Equatable, Sendable {
        public let elementType: NumericArray.ElementType
        public let shape: [Int]
        /// The number of elements (the shape's product).
        public let count: Int
        /// The bytes before the first element: magic, version, tag, type and shape.
        public let headerSize: Int
        /// The bytes of the elements.
        public var payloadSize: Int { count * elementType.byteWidth }

        public init(elementType: NumericArray.ElementType, shape: [Int], count: Int, headerSize: Int) {
            self.elementType = elementType
            self.shape = shape
            self.count = count
            self.headerSize = headerSize
        }
    }

    /// The bytes that precede `array`'s elements in its encoding as an artifact.
    public static func numericHeader(_ array: NumericArray) -> [UInt8] {
        let size = 5 + 2 + varintSize(array.rank) + array.shape.reduce(0) { $0 + varintSize($1) }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var w = Writer(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            w.bytes(magic)
            w.byte(formatVersion)
            w.byte(Tag.numeric.rawValue)
            w.byte(array.elementType.rawValue)
            w.varint(array.rank)
            for d in array.shape { w.varint(d) }
            initialized = w.offset
        }
    }

    /// The layout of an artifact of `totalSize` bytes whose first bytes are
    /// `head`, when it is one numeric array whose elements run to its end;
    /// nil otherwise (another value, a Bool array, which must be checked
    /// element by element, or a header that does not parse: decode those whole).
    public static func numericLayout(_ head: UnsafeRawBufferPointer, totalSize: Int) -> NumericLayout? {
        var r = Reader(head)
        guard let m = try? r.take(4), m.elementsEqual(magic),
              let version = try? r.byte(), version >= 1, version <= formatVersion,
              (try? r.byte()) == Tag.numeric.rawValue,
              let t = try? r.byte(), let type = NumericArray.ElementType(rawValue: t), type != .bool,
              let rank = try? r.length() else { return nil }
        var shape: [Int] = []
        var count = 1
        for _ in 0..<rank {
            guard let d = try? r.varint() else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            count = p
            shape.append(d)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
        guard !overflow, r.offset + bytes == totalSize else { return nil }
        return NumericLayout(elementType: type, shape: shape, count: count, headerSize: r.offset)
    }

    /// A numeric array of `layout` whose element bytes `fill` writes into its
    /// storage (all `layout.payloadSize` of them, or it throws).
    public static func numericArray(
        _ layout: NumericLayout, fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows -> NumericArray {
        let storage: NumericArray.Storage
        switch layout.elementType {
        case .float64: storage = .float64(try filled(layout.count, Double.self, fill))
        case .float32: storage = .float32(try filled(layout.count, Float.self, fill))
        case .int64: storage = .int64(try filled(layout.count, Int64.self, fill))
        case .int32: storage = .int32(try filled(layout.count, Int32.self, fill))
        case .uint8: storage = .uint8(try filled(layout.count, UInt8.self, fill))
        case .bool: preconditionFailure("numericLayout never describes a Bool array")
        }
        // The count is the shape's product by construction.
        return try! NumericArray(storage: storage, shape: layout.shape)
    }

    private static func filled<T>(_ count: Int, _: T.Type, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
