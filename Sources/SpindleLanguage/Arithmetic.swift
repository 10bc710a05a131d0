import SpindleValue

/// Arithmetic and comparison over values: scalars, and element-wise over
/// numeric arrays in typed loops (no element is boxed).
enum Arithmetic {
    static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    /// An array of numbers as a numeric array, for element-wise work (``Value/asNumericArray``).
    static func numeric(_ v: Value) -> NumericArray? {
        switch v {
        case .numeric(let n): return n
        case .array(let a):
            if case .numeric(let n) = Literal.packed(a) { return n }
            if a.allSatisfy({ if case .bool = $0 { true } else { false } }) {
                return NumericArray(a.map { if case .bool(let b) = $0 { b } else { false } })
            }
            return nil
        default: return nil
        }
    }

    static func isInteger(_ n: NumericArray) -> Bool {
        switch n.elementType { case .int64, .int32, .uint8: true; default: false }
    }

    static func binary(_ op: String, _ a: Value, _ b: Value, column: Int, interruption stop: Interruption = .never) throws(EvalError) -> Value {
        if op == "==" { return .bool(a == b) }
        if op == "!=" { return .bool(a != b) }
        if op == "&&" || op == "||" {
            if case .bool(let x) = a, case .bool(let y) = b { return .bool(op == "&&" ? x && y : x || y) }
            if let x = numeric(a), let y = numeric(b), x.elementType == .bool, y.elementType == .bool {
                return try elementwiseBool(op, x, y, column: column, stop)
            }
            throw EvalError("'\(op)' needs two Bools (or two [Bool] arrays), found \(a.typeName) and \(b.typeName)", column: column)
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return try integers(op, x, y, column: column)
        case (.string(let x), .string(let y)):
            switch op {
            case "+": return .string(x + y)
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            case ">": return .bool(x > y)
            case ">=": return .bool(x >= y)
            default: throw EvalError("'\(op)' does not apply to two Strings", column: column)
            }
        case (.array(let x), .array(let y)) where op == "+":
            return .array(x + y)
        default: break
        }
        if let x = a.doubleValue, let y = b.doubleValue { return try doubles(op, x, y, column: column) }
        // Element-wise: an array with a scalar or with an array of the same shape.
        let left = numeric(a), right = numeric(b)
        if let l = left, let y = b.doubleValue {
            return try elementwise(op, l, scalar: y, exactInt: { if case .int(let i) = b { i } else { nil } }(), scalarLeft: false, column: column, stop)
        }
        if let r = right, let x = a.doubleValue {
            return try elementwise(op, r, scalar: x, exactInt: { if case .int(let i) = a { i } else { nil } }(), scalarLeft: true, column: column, stop)
        }
        if let l = left, let r = right {
            guard l.count == r.count else {
                throw EvalError("'\(op)' needs arrays of the same length, found \(NumberFormatting.count(l.count)) and \(NumberFormatting.count(r.count))", column: column)
            }
            return try elementwise(op, l, r, column: column, stop)
        }
        throw EvalError("'\(op)' does not apply to \(a.typeName) and \(b.typeName)", column: column)
    }

    static func integers(_ op: String, _ x: Int64, _ y: Int64, column: Int) throws(EvalError) -> Value {
        func checked(_ r: (Int64, Bool)) throws(EvalError) -> Value {
            guard !r.1 else { throw EvalError("integer overflow in \(x) \(op) \(y)", column: column) }
            return .int(r.0)
        }
        switch op {
        case "+": return try checked(x.addingReportingOverflow(y))
        case "-": return try checked(x.subtractingReportingOverflow(y))
        case "*": return try checked(x.multipliedReportingOverflow(by: y))
        case "/": return .double(Double(x) / Double(y))
        case "%":
            guard y != 0 else { throw EvalError("remainder by zero", column: column) }
            return try checked(x.remainderReportingOverflow(dividingBy: y))
        default: return try doubles(op, Double(x), Double(y), column: column)
        }
    }

    static func doubles(_ op: String, _ x: Double, _ y: Double, column: Int) throws(EvalError) -> Value {
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/": return .double(x / y)
        case "%": return .double(x.truncatingRemainder(dividingBy: y))
        case "<": return .bool(x < y)
        case "<=": return .bool(x <= y)
        case ">": return .bool(x > y)
        case ">=": return .bool(x >= y)
        default: throw EvalError("unknown operator '\(op)'", column: column)
        }
    }

    @inline(__always)
    static func apply(_ op: String) -> ((Double, Double) -> Double)? {
        switch op {
        case "+": return (+)
        case "-": return (-)
        case "*": return (*)
        case "/": return (/)
        case "%": return { $0.truncatingRemainder(dividingBy: $1) }
        default: return nil
        }
    }

    @inline(__always)
    static func compare(_ op: String) -> ((Double, Double) -> Bool)? {
        switch op {
        case "<": return (<)
        case "<=": return (<=)
        case ">": return (>)
        case ">=": return (>=)
        default: return nil
        }
    }

    static func elementwise(_ op: String, _ n: NumericArray, scalar: Double, exactInt: Int64?, scalarLeft: Bool,
                            column: Int, _ stop: Interruption) throws(EvalError) -> Value {
        if case .int64(let xs) = n.storage, let s = exactInt, op == "+" || op == "-" || op == "*" {
            var out = [Int64](repeating: 0, count: xs.count)
            try stop.chunks(xs.count, column: column) { (chunk: Range<Int>) throws(EvalError) in
                for i in chunk {
                    let (a, b) = scalarLeft ? (s, xs[i]) : (xs[i], s)
                    let r: (Int64, Bool) = op == "+" ? a.addingReportingOverflow(b) : op == "-" ? a.subtractingReportingOverflow(b) : a.multipliedReportingOverflow(by: b)
                    guard !r.1 else { throw EvalError("integer overflow in element \(i)", column: column) }
                    out[i] = r.0
                }
            }
            return .numeric(try! NumericArray(storage: .int64(out), shape: n.shape))
        }
        let xs = n.doubles()
        if let f = apply(op) {
            let out = scalarLeft ? try stop.map(xs, column: column) { f(scalar, $0) } : try stop.map(xs, column: column) { f($0, scalar) }
            return .numeric(try! NumericArray(storage: .float64(out), shape: n.shape))
        }
        if let f = compare(op) {
            let out = scalarLeft ? try stop.map(xs, column: column) { f(scalar, $0) } : try stop.map(xs, column: column) { f($0, scalar) }
            return .numeric(try! NumericArray(storage: .bool(out), shape: n.shape))
        }
        throw EvalError("'\(op)' does not apply to \(n.typeName) and a number", column: column)
    }

    static func elementwise(_ op: String, _ l: NumericArray, _ r: NumericArray, column: Int, _ stop: Interruption) throws(EvalError) -> Value {
        let shape = l.shape == r.shape ? l.shape : [l.count]
        if case .int64(let xs) = l.storage, case .int64(let ys) = r.storage, op == "+" || op == "-" || op == "*" {
            var out = [Int64](repeating: 0, count: xs.count)
            try stop.chunks(xs.count, column: column) { (chunk: Range<Int>) throws(EvalError) in
                for i in chunk {
                    let res: (Int64, Bool) = op == "+" ? xs[i].addingReportingOverflow(ys[i]) : op == "-" ? xs[i].subtractingReportingOverflow(ys[i]) : xs[i].multipliedReportingOverflow(by: ys[i])
                    guard !res.1 else { throw EvalError("integer overflow in element \(i)", column: column) }
                    out[i] = res.0
                }
            }
            return .numeric(try! NumericArray(storage: .int64(out), shape: shape))
        }
        let xs = l.doubles(), ys = r.doubles()
        if let f = apply(op) {
            var out = [Double](repeating: 0, count: xs.count)
            try stop.chunks(xs.count, column: column) { (chunk: Range<Int>) throws(EvalError) in
                xs.withUnsafeBufferPointer { a in ys.withUnsafeBufferPointer { b in
                    for i in chunk { out[i] = f(a[i], b[i]) }
                } }
            }
            return .numeric(try! NumericArray(storage: .float64(out), shape: shape))
        }
        if let f = compare(op) {
            var out = [Bool](repeating: false, count: xs.count)
            try stop.chunks(xs.count, column: column) { (chunk: Range<Int>) throws(EvalError) in
                for i in chunk { out[i] = f(xs[i], ys[i]) }
            }
            return .numeric(try! NumericArray(storage: .bool(out), shape: shape))
        }
        throw EvalError("'\(op)' does not apply to two numeric arrays", column: column)
    }

    static func elementwiseBool(_ op: String, _ l: NumericArray, _ r: NumericArray, column: Int, _ stop: Interruption) throws(EvalError) -> Value {
        guard case .bool(let xs) = l.storage, case .bool(let ys) = r.storage else {
            throw EvalError("'\(op)' needs [Bool] arrays", column: column)
        }
        guard xs.count == ys.count else {
            throw EvalError("'\(op)' needs arrays of the same length, found \(xs.count) and \(ys.count)", column: column)
        }
        let and = op == "&&"
        var out = [Bool](repeating: false, count: xs.count)
        try stop.chunks(xs.count, column: column) { (chunk: Range<Int>) throws(EvalError) in
            for i in chunk { out[i] = and ? xs[i] && ys[i] : xs[i] || ys[i] }
        }
        return .numeric(try! NumericArray(storage: .bool(out), shape: l.shape))
    }

    static func negate(_ v: Value, column: Int, interruption stop: Interruption = .never) throws(EvalError) -> Value {
        switch v {
        case .int(let i):
            guard i != .min else { throw EvalError("integer overflow negating \(i)", column: column) }
            return .int(-i)
        case .double(let d): return .double(-d)
        default:
            if let n = numeric(v), n.elementType != .bool {
                if case .int64(let xs) = n.storage, !xs.contains(.min) {
                    return .numeric(try! NumericArray(storage: .int64(try stop.map(xs, column: column) { -$0 }), shape: n.shape))
                }
                return .numeric(try! NumericArray(storage: .float64(try stop.map(n.doubles(), column: column) { -$0 }), shape: n.shape))
            }
            throw EvalError("'-' needs a number or a numeric array, found \(v.typeName)", column: column)
        }
    }

    static func not(_ v: Value, column: Int, interruption stop: Interruption = .never) throws(EvalError) -> Value {
        if case .bool(let b) = v { return .bool(!b) }
        if case .numeric(let n) = v, case .bool(let xs) = n.storage {
            return .numeric(try! NumericArray(storage: .bool(try stop.map(xs, column: column) { !$0 }), shape: n.shape))
        }
        throw EvalError("'!' needs a Bool, found \(v.typeName)", column: column)
    }
}

extension Value {
    /// The value as a numeric array when it is one, or a list of numbers or of
    /// booleans, as the language's element-wise operators read it (the shell's
    /// charts read their arguments the same way).
    public var asNumericArray: NumericArray? { Arithmetic.numeric(self) }
}
