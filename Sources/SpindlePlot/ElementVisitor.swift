import SpindleValue

/// An element type a chart can read: each of `NumericArray`'s storage types,
/// seen as a `Double` (booleans as 0 and 1).
///
/// Charts scan the typed storage through ``ElementVisitor`` rather than
/// converting it to `[Double]` first: ten million floats are read where they
/// lie, and the optimiser specialises each pass for each element type.
protocol PlotNumber {
    /// The element as a double.
    var plotValue: Double { get }
    /// Whether the type has NaN and infinities at all (integers never do).
    static var canBeNonFinite: Bool { get }
}

extension Double: PlotNumber {
    @inline(__always) var plotValue: Double { self }
    static var canBeNonFinite: Bool { true }
}

extension Float: PlotNumber {
    @inline(__always) var plotValue: Double { Double(self) }
    static var canBeNonFinite: Bool { true }
}

extension Int64: PlotNumber {
    @inline(__always) var plotValue: Double { Double(self) }
    static var canBeNonFinite: Bool { false }
}

extension Int32: PlotNumber {
    @inline(__always) var plotValue: Double { Double(self) }
    static var canBeNonFinite: Bool { false }
}

extension UInt8: PlotNumber {
    @inline(__always) var plotValue: Double { Double(self) }
    static var canBeNonFinite: Bool { false }
}

extension Bool: PlotNumber {
    @inline(__always) var plotValue: Double { self ? 1 : 0 }
    static var canBeNonFinite: Bool { false }
}

/// A pass over the elements of one array in their own type.
protocol ElementVisitor {
    associatedtype Output
    func visit<E: PlotNumber>(_ elements: UnsafeBufferPointer<E>) -> Output
}

/// A pass over two arrays of the same length (x and y) in their own types.
protocol PairVisitor {
    associatedtype Output
    func visit<X: PlotNumber, Y: PlotNumber>(_ x: UnsafeBufferPointer<X>, _ y: UnsafeBufferPointer<Y>) -> Output
}

extension NumericArray {
    /// Runs `visitor` over the flat storage, in row-major order, without copying it.
    func visitElements<V: ElementVisitor>(_ visitor: V) -> V.Output {
        switch storage {
        case .float64(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        case .float32(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        case .int64(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        case .int32(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        case .uint8(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        case .bool(let a): a.withUnsafeBufferPointer { visitor.visit($0) }
        }
    }

    /// Runs `visitor` over `self` as x and `y` as y (the caller has checked the counts match).
    func visitPairs<V: PairVisitor>(with y: NumericArray, _ visitor: V) -> V.Output {
        visitElements(PairFirst(y: y, visitor: visitor))
    }
}

/// Holds x's buffer while the visit descends into y's storage.
private struct PairFirst<V: PairVisitor>: ElementVisitor {
    let y: NumericArray
    let visitor: V

    func visit<X: PlotNumber>(_ x: UnsafeBufferPointer<X>) -> V.Output {
        y.visitElements(PairSecond(x: x, visitor: visitor))
    }
}

private struct PairSecond<X: PlotNumber, V: PairVisitor>: ElementVisitor {
    let x: UnsafeBufferPointer<X>
    let visitor: V

    func visit<Y: PlotNumber>(_ y: UnsafeBufferPointer<Y>) -> V.Output { visitor.visit(x, y) }
}
