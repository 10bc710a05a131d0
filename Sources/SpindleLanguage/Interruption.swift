/// Asks a long evaluation to stop, as the shell's Ctrl-C does.
///
/// The evaluator asks at each part of an expression and, inside loops over
/// large arrays (`range`, element-wise arithmetic, functions applied to each
/// element), once every ``Interruption/stride`` elements; when asked to stop
/// it throws an ``EvalError`` whose ``EvalError/isInterruption`` is true, and
/// nothing is assigned.
public struct Interruption: Sendable {
    let requested: @Sendable () -> Bool

    /// An interruption that is requested whenever `requested` returns true
    /// (read from the evaluating thread; a signal handler's flag is fine).
    public init(_ requested: @escaping @Sendable () -> Bool) { self.requested = requested }

    /// Never requested.
    public static let never = Interruption { false }

    /// How many elements a loop handles between two checks: about a
    /// millisecond of work, so a check costs nothing and Ctrl-C is answered at once.
    static let stride = 1 << 16

    /// Throws the interruption error (at `column`) when one was requested.
    public func check(column: Int) throws(EvalError) {
        if requested() { throw EvalError.interrupted(column: column) }
    }

    /// `f` applied to each element, checked every ``stride`` elements.
    func map<T, U>(_ xs: [T], column: Int, _ f: (T) -> U) throws(EvalError) -> [U] {
        var out: [U] = []
        out.reserveCapacity(xs.count)
        var start = 0
        while start < xs.count {
            try check(column: column)
            let end = min(start + Interruption.stride, xs.count)
            xs.withUnsafeBufferPointer { b in for k in start..<end { out.append(f(b[k])) } }
            start = end
        }
        return out
    }

    /// Calls `body` with consecutive ranges covering `0..<count`, checking between them.
    func chunks(_ count: Int, column: Int, _ body: (Range<Int>) throws(EvalError) -> Void) throws(EvalError) {
        var start = 0
        while start < count {
            try check(column: column)
            let end = min(start + Interruption.stride, count)
            try body(start..<end)
            start = end
        }
    }
}
