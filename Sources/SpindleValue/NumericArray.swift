/// A typed, contiguous array of numbers with a shape: the form bulk numeric
/// artifacts take inside a ``Value``.
///
/// Elements are stored in row-major order in one Swift array of the element
/// type, so encoding to bytes and decoding back is one memory copy, and
/// element-wise arithmetic never boxes an element. The shape's product always
/// equals the element count (checked by every initialiser).
///
/// ```swift
/// let m = try NumericArray([1, 2, 3, 4, 5, 6] as [Double], shape: [2, 3])
/// m.typeName   // "[Double 2×3]"
/// m.count      // 6
/// ```
public struct NumericArray: Sendable {
    /// The element type of a numeric array.
    public enum ElementType: UInt8, Sendable, Codable, CaseIterable {
        case float64 = 1, float32 = 2, int64 = 3, int32 = 4, uint8 = 5, bool = 6

        /// The size of one element in the binary codec, in bytes.
        public var byteWidth: Int {
            switch self {
            case .float64, .int64: 8
            case .float32, .int32: 4
            case .uint8, .bool: 1
            }
        }

        /// The Swift name of the element type, as people read it.
        public var name: String {
            switch self {
            case .float64: "Double"
            case .float32: "Float"
            case .int64: "Int"
            case .int32: "Int32"
            case .uint8: "UInt8"
            case .bool: "Bool"
            }
        }

        /// Whether the elements are floating point (and so may be NaN).
        public var isFloatingPoint: Bool { self == .float64 || self == .float32 }
    }

    /// The elements, in row-major order, in their own type.
    public enum Storage: Sendable {
        case float64([Double])
        case float32([Float])
        case int64([Int64])
        case int32([Int32])
        case uint8([UInt8])
        case bool([Bool])
    }

    /// The elements in row-major order.
    public let storage: Storage
    /// The extent of each dimension; its product is ``count``. A plain array has shape `[count]`.
    public let shape: [Int]

    /// Creates a numeric array, checking that `shape` (default: one dimension) matches the count.
    public init(storage: Storage, shape: [Int]? = nil) throws(ValueError) {
        let n = storage.count
        let s = shape ?? [n]
        guard s.allSatisfy({ $0 >= 0 }), NumericArray.product(s) == n else {
            throw .shapeMismatch(shape: s, count: n)
        }
        self.storage = storage
        self.shape = s
    }

    /// A one-dimensional array of doubles.
    public init(_ values: [Double]) { storage = .float64(values); shape = [values.count] }
    /// A one-dimensional array of floats.
    public init(_ values: [Float]) { storage = .float32(values); shape = [values.count] }
    /// A one-dimensional array of 64-bit integers.
    public init(_ values: [Int64]) { storage = .int64(values); shape = [values.count] }
    /// A one-dimensional array of platform integers, stored as 64-bit.
    public init(_ values: [Int]) { storage = .int64(values.map { Int64($0) }); shape = [values.count] }
    /// A one-dimensional array of 32-bit integers.
    public init(_ values: [Int32]) { storage = .int32(values); shape = [values.count] }
    /// A one-dimensional array of bytes.
    public init(_ values: [UInt8]) { storage = .uint8(values); shape = [values.count] }
    /// A one-dimensional array of booleans.
    public init(_ values: [Bool]) { storage = .bool(values); shape = [values.count] }

    /// An array of doubles with a shape.
    public init(_ values: [Double], shape: [Int]) throws(ValueError) {
        try self.init(storage: .float64(values), shape: shape)
    }

    /// The product of `shape`, or -1 when it overflows.
    static func product(_ shape: [Int]) -> Int {
        var p = 1
        for d in shape {
            let (r, o) = p.multipliedReportingOverflow(by: d)
            if o { return -1 }
            p = r
        }
        return p
    }

    /// The element type.
    public var elementType: ElementType { storage.elementType }
    /// The number of elements (all dimensions together).
    public var count: Int { storage.count }
    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The indices of the first dimension.
    public var indices: Range<Int> { 0..<(shape.first ?? 0) }

    /// `[Double]` for a plain array, `[Double 3×4]` with a shape of rank > 1.
    public var typeName: String {
        rank == 1 ? "[\(elementType.name)]"
            : "[\(elementType.name) \(shape.map(String.init).joined(separator: "×"))]"
    }

    /// Element `i` of the flat storage as a double (booleans as 0 and 1).
    @inline(__always)
    public func double(at i: Int) -> Double {
        switch storage {
        case .float64(let a): a[i]
        case .float32(let a): Double(a[i])
        case .int64(let a): Double(a[i])
        case .int32(let a): Double(a[i])
        case .uint8(let a): Double(a[i])
        case .bool(let a): a[i] ? 1 : 0
        }
    }

    /// All elements converted to doubles (one pass, no boxing).
    public func doubles() -> [Double] {
        switch storage {
        case .float64(let a): a
        case .float32(let a): a.map { Double($0) }
        case .int64(let a): a.map { Double($0) }
        case .int32(let a): a.map { Double($0) }
        case .uint8(let a): a.map { Double($0) }
        case .bool(let a): a.map { $0 ? 1 : 0 }
        }
    }

    /// Element `i` of the first dimension: a scalar for rank 1, a row (a numeric
    /// array of rank − 1) otherwise.
    public func element(at i: Int) -> Value {
        if rank <= 1 { return storage.scalar(at: i) }
        let rowShape = Array(shape.dropFirst())
        let rowCount = NumericArray.product(rowShape)
        let range = (i * rowCount)..<((i + 1) * rowCount)
        // The shape is consistent by construction.
        return .numeric(try! NumericArray(storage: storage.slice(range), shape: rowShape))
    }

    /// Elements `range` of the flat storage as a one-dimensional array.
    public func flatSlice(_ range: Range<Int>) -> NumericArray {
        NumericArray(unchecked: storage.slice(range))
    }

    /// The same elements with a new shape of the same product.
    public func reshaped(_ newShape: [Int]) throws(ValueError) -> NumericArray {
        try NumericArray(storage: storage, shape: newShape)
    }

    init(unchecked storage: Storage) {
        self.storage = storage
        self.shape = [storage.count]
    }
}

extension NumericArray.Storage {
    /// The element type of these elements.
    public var elementType: NumericArray.ElementType {
        switch self {
        case .float64: .float64
        case .float32: .float32
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    /// The number of elements.
    public var count: Int {
        switch self {
        case .float64(let a): a.count
        case .float32(let a): a.count
        case .int64(let a): a.count
        case .int32(let a): a.count
        case .uint8(let a): a.count
        case .bool(let a): a.count
        }
    }

    /// Element `i` as a scalar value (`Float` and `Int32` widen to `.double` and `.int`).
    public func scalar(at i: Int) -> Value {
        switch self {
        case .float64(let a): .double(a[i])
        case .float32(let a): .double(Double(a[i]))
        case .int64(let a): .int(a[i])
        case .int32(let a): .int(Int64(a[i]))
        case .uint8(let a): .int(Int64(a[i]))
        case .bool(let a): .bool(a[i])
        }
    }

    /// The elements in `range`, in the same type.
    public func slice(_ r: Range<Int>) -> Self {
        switch self {
        case .float64(let a): .float64(Array(a[r]))
        case .float32(let a): .float32(Array(a[r]))
        case .int64(let a): .int64(Array(a[r]))
        case .int32(let a): .int32(Array(a[r]))
        case .uint8(let a): .uint8(Array(a[r]))
        case .bool(let a): .bool(Array(a[r]))
        }
    }

    /// Calls `body` with the elements' bytes as stored in memory (little-endian on
    /// every platform Spindle supports).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .float64(let a): try a.withUnsafeBytes(body)
        case .float32(let a): try a.withUnsafeBytes(body)
        case .int64(let a): try a.withUnsafeBytes(body)
        case .int32(let a): try a.withUnsafeBytes(body)
        case .uint8(let a): try a.withUnsafeBytes(body)
        case .bool(let a): try a.withUnsafeBytes(body)
        }
    }
}

extension NumericArray: Equatable {
    /// Same element type, same shape, same elements; NaN equals NaN (see ``Value``).
    public static func == (lhs: NumericArray, rhs: NumericArray) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        switch (lhs.storage, rhs.storage) {
        case (.float64(let a), .float64(let b)):
            return a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.float32(let a), .float32(let b)):
            return a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.int64(let a), .int64(let b)): return a == b
        case (.int32(let a), .int32(let b)): return a == b
        case (.uint8(let a), .uint8(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }
}
