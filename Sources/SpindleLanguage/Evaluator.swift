import OrderedCollections
import SpindleValue
import Foundation

/// Where the evaluator finds variables. The shell's implementation loads a
/// run's artifacts from the store only when a line first uses them.
public protocol Environment {
    /// The value of variable `name`, or `nil` when there is none.
    func lookup(_ name: String) throws -> Value?
    /// Every variable's name, for suggestions.
    var variableNames: [String] { get }
}

/// Thrown by an environment for a name it knows but cannot give a value
/// now (a result no longer kept, say); the evaluator reports the message at
/// the name's column.
public struct NameError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A fixed set of variables.
public struct Variables: Environment, Sendable {
    public var values: [String: Value]
    public init(_ values: [String: Value] = [:]) { self.values = values }
    public func lookup(_ name: String) throws -> Value? { values[name] }
    public var variableNames: [String] { Array(values.keys) }
}

/// Evaluates expressions of the shell language over ``Value``s.
///
/// ```swift
/// let e = Evaluator(environment: Variables(["x": .numeric(NumericArray([1.0, -2, 3]))]))
/// try e.evaluate(Parser.expression("mean(x[x > 0])"))   // .double(2)
/// ```
///
/// Evaluation recurses once for each level of the expression's tree, which
/// ``Parser`` bounds (``Parser/maxDepth``). An ``Interruption`` stops a long
/// evaluation with an error.
public struct Evaluator {
    public let environment: any Environment
    /// Asked at each part of an expression and inside long loops; see ``Interruption``.
    public var interruption: Interruption

    public init(environment: any Environment, interruption: Interruption = .never) {
        self.environment = environment
        self.interruption = interruption
    }

    public func evaluate(_ e: Expr) throws(EvalError) -> Value {
        // This recurses once for each level of the expression, so it keeps a small frame: each kind of part is
        // evaluated by a function of its own, which takes the part apart (an unoptimised build gives every
        // binding and temporary of a function a slot of its own, so binding them all here made a frame of 2 KiB).
        try interruption.check(column: e.column)
        switch e {
        case .literal(let v, _): return v
        case .variable: return try variable(e)
        case .array: return try array(e)
        case .object: return try object(e)
        case .member: return try member(e)
        case .index: return try index(e)
        case .slice: return try slice(e)
        case .call: return try call(e)
        case .unary: return try unary(e)
        case .binary: return try binary(e)
        case .lambda(let name, _, let column):
            throw EvalError("'\(name) -> …' is a function: it can only be given to \(Evaluator.higherOrder.sorted().joined(separator: ", "))", column: column)
        }
    }

    @inline(never)
    func variable(_ e: Expr) throws(EvalError) -> Value {
        guard case .variable(let name, let column) = e else { return .null }
        return try variable(name, column: column)
    }

    @inline(never)
    func array(_ e: Expr) throws(EvalError) -> Value {
        guard case .array(let items, _) = e else { return .null }
        return try array(items)
    }

    @inline(never)
    func object(_ e: Expr) throws(EvalError) -> Value {
        guard case .object(let members, _) = e else { return .null }
        return try object(members)
    }

    @inline(never)
    func member(_ e: Expr) throws(EvalError) -> Value {
        guard case .member(let base, let name, let column) = e else { return .null }
        return try member(try evaluate(base), name, column: column)
    }

    @inline(never)
    func index(_ e: Expr) throws(EvalError) -> Value {
        guard case .index(let base, let idx, let column) = e else { return .null }
        return try index(base, idx, column: column)
    }

    @inline(never)
    func slice(_ e: Expr) throws(EvalError) -> Value {
        guard case .slice(let base, let lo, let hi, let column) = e else { return .null }
        return try slice(base, lo, hi, column: column)
    }

    @inline(never)
    func call(_ e: Expr) throws(EvalError) -> Value {
        guard case .call(let name, let args, let column) = e else { return .null }
        return try call(name, args, column: column)
    }

    @inline(never)
    func unary(_ e: Expr) throws(EvalError) -> Value {
        guard case .unary(let op, let x, let column) = e else { return .null }
        return try unary(op, x, column: column)
    }

    @inline(never)
    func binary(_ e: Expr) throws(EvalError) -> Value {
        guard case .binary(let op, let l, let r, let column) = e else { return .null }
        return try binary(op, l, r, column: column)
    }

    @inline(never)
    func variable(_ name: String, column: Int) throws(EvalError) -> Value {
        let found: Value?
        do { found = try environment.lookup(name) } catch let err as EvalError { throw err } catch let err as NameError {
            throw EvalError(err.message, column: column)
        } catch {
            throw EvalError("cannot load '\(name)': \(error)", column: column)
        }
        guard let v = found else {
            if Builtins.names.contains(name) {
                throw EvalError("'\(name)' is a function: call it as \(name)(…)", column: column)
            }
            throw EvalError("no variable '\(name)'\(suggestion(name, environment.variableNames))", column: column)
        }
        return v
    }

    @inline(never)
    func array(_ items: [Expr]) throws(EvalError) -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for i in items { out.append(try evaluate(i)) }
        return Literal.packed(out)
    }

    @inline(never)
    func object(_ members: [(String, Expr)]) throws(EvalError) -> Value {
        var o = OrderedDictionary<String, Value>()
        for (k, x) in members { o[k] = try evaluate(x) }
        return .object(o)
    }

    @inline(never)
    func index(_ base: Expr, _ idx: Expr, column: Int) throws(EvalError) -> Value {
        let b = try evaluate(base)
        return try index(b, try evaluate(idx), column: column)
    }

    @inline(never)
    func slice(_ base: Expr, _ lo: Expr?, _ hi: Expr?, column: Int) throws(EvalError) -> Value {
        let b = try evaluate(base)
        let l = try lo.map { (e) throws(EvalError) in try evaluate(e) }
        let h = try hi.map { (e) throws(EvalError) in try evaluate(e) }
        return try slice(b, l, h, column: column)
    }

    @inline(never)
    func call(_ name: String, _ args: [Expr], column: Int) throws(EvalError) -> Value {
        if Evaluator.higherOrder.contains(name) { return try higherOrder(name, args, column: column) }
        if Evaluator.drawing[name] != nil {
            throw EvalError("\(name) draws a chart and gives no value: use it alone on a line, as \(name)(…)", column: column)
        }
        var values: [Value] = []
        values.reserveCapacity(args.count)
        for a in args { values.append(try evaluate(a)) }
        return try Builtins.call(name, values, column: column, interruption: interruption)
    }

    @inline(never)
    func unary(_ op: String, _ x: Expr, column: Int) throws(EvalError) -> Value {
        let v = try evaluate(x)
        return op == "-" ? try Arithmetic.negate(v, column: column, interruption: interruption)
            : try Arithmetic.not(v, column: column, interruption: interruption)
    }

    @inline(never)
    func binary(_ op: String, _ l: Expr, _ r: Expr, column: Int) throws(EvalError) -> Value {
        let a = try evaluate(l)
        // && and || short-circuit on scalars.
        if op == "&&" || op == "||", case .bool(let x) = a, (op == "&&" && !x) || (op == "||" && x) { return a }
        return try Arithmetic.binary(op, a, try evaluate(r), column: column, interruption: interruption)
    }

    // MARK: Access

    func member(_ v: Value, _ name: String, column: Int) throws(EvalError) -> Value {
        // A member of every element: `inputs.rmse` is each join input's rmse.
        if case .array(let items) = v { return try memberOfEach(items, name, column: column) }
        guard case .object(let o) = v else {
            let hint = ["count", "length", "size"].contains(name) ? " (use len(…))" : ""
            throw EvalError("\(v.typeName) has no members; '.\(name)' needs an object\(hint)", column: column)
        }
        guard let m = o[name] else {
            throw EvalError("no member '\(name)'\(suggestion(name, Array(o.keys))); it has: \(o.keys.prefix(12).joined(separator: ", "))\(o.count > 12 ? ", …" : "")", column: column)
        }
        return m
    }

    static func position(_ i: Int64, count: Int, column: Int) throws(EvalError) -> Int {
        guard i > -Int64(count) - 1, i < Int64(count) + 1 else {
            throw EvalError("index \(i) is out of range for \(NumberFormatting.count(count)) element\(count == 1 ? "" : "s")", column: column)
        }
        let p = i < 0 ? Int(i) + count : Int(i)
        guard p >= 0, p < count else {
            throw EvalError("index \(i) is out of range for \(NumberFormatting.count(count)) element\(count == 1 ? "" : "s")", column: column)
        }
        return p
    }

    func index(_ v: Value, _ i: Value, column: Int) throws(EvalError) -> Value {
        if case .string(let key) = i {
            guard case .object = v else { throw EvalError("\(v.typeName) cannot be indexed by a String", column: column) }
            return try member(v, key, column: column)
        }
        // A mask or a list of positions picks elements.
        if let mask = Arithmetic.numeric(i), case .array = i, true { return try pick(v, mask, column: column) }
        if case .numeric(let mask) = i { return try pick(v, mask, column: column) }
        guard case .int(let n) = i else {
            throw EvalError("an index must be an integer, a string key, a [Bool] mask or a list of positions, found \(i.typeName)", column: column)
        }
        switch v {
        case .array(let a): return a[try Evaluator.position(n, count: a.count, column: column)]
        case .numeric(let x): return x.element(at: try Evaluator.position(n, count: x.indices.count, column: column))
        case .string(let s):
            let chars = Array(s)
            return .string(String(chars[try Evaluator.position(n, count: chars.count, column: column)]))
        case .bytes(let d): return .int(Int64(d[d.startIndex + (try Evaluator.position(n, count: d.count, column: column))]))
        default: throw EvalError("\(v.typeName) cannot be indexed", column: column)
        }
    }

    /// Elements where a [Bool] mask is true, or at a list of positions.
    func pick(_ v: Value, _ sel: NumericArray, column: Int) throws(EvalError) -> Value {
        let count: Int
        switch v {
        case .array(let a): count = a.count
        case .numeric(let n): count = n.indices.count
        default: throw EvalError("\(v.typeName) cannot be indexed by an array", column: column)
        }
        var positions: [Int] = []
        if case .bool(let mask) = sel.storage {
            guard mask.count == count else {
                throw EvalError("the mask has \(NumberFormatting.count(mask.count)) elements but the array has \(NumberFormatting.count(count))", column: column)
            }
            positions.reserveCapacity(count)
            for (i, m) in mask.enumerated() where m { positions.append(i) }
        } else {
            guard Arithmetic.isInteger(sel) else { throw EvalError("positions must be integers", column: column) }
            for k in 0..<sel.count {
                guard case .int(let p) = sel.storage.scalar(at: k) else { throw EvalError("positions must be integers", column: column) }
                positions.append(try Evaluator.position(p, count: count, column: column))
            }
        }
        switch v {
        case .array(let a): return .array(positions.map { a[$0] })
        case .numeric(let n) where n.rank == 1:
            switch n.storage {
            case .float64(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            case .float32(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            case .int64(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            case .int32(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            case .uint8(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            case .bool(let x): return .numeric(NumericArray(positions.map { x[$0] }))
            }
        case .numeric(let n): return Literal.packed(positions.map { n.element(at: $0) })
        default: return .null
        }
    }

    func slice(_ v: Value, _ lo: Value?, _ hi: Value?, column: Int) throws(EvalError) -> Value {
        func bound(_ b: Value?, _ count: Int, _ dflt: Int) throws(EvalError) -> Int {
            guard let b else { return dflt }
            guard case .int(let n) = b else { throw EvalError("slice bounds must be integers, found \(b.typeName)", column: column) }
            let clamped = max(-Int64(count), min(n, Int64(count)))
            let p = clamped < 0 ? Int(clamped) + count : Int(clamped)
            return max(0, min(count, p))
        }
        switch v {
        case .array(let a):
            let l = try bound(lo, a.count, 0), h = try bound(hi, a.count, a.count)
            return .array(l < h ? Array(a[l..<h]) : [])
        case .numeric(let n):
            let rows = n.indices.count
            let l = try bound(lo, rows, 0), h = max(try bound(hi, rows, rows), l)
            let per = rows == 0 ? 0 : n.count / rows
            let flat = n.flatSlice((l * per)..<(h * per))
            return .numeric(n.rank == 1 ? flat : (try! flat.reshaped([h - l] + n.shape.dropFirst())))
        case .string(let s):
            let chars = Array(s)
            let l = try bound(lo, chars.count, 0), h = try bound(hi, chars.count, chars.count)
            return .string(l < h ? String(chars[l..<h]) : "")
        case .bytes(let d):
            let l = try bound(lo, d.count, 0), h = try bound(hi, d.count, d.count)
            return .bytes(l < h ? d.subdata(in: (d.startIndex + l)..<(d.startIndex + h)) : .init())
        default:
            throw EvalError("\(v.typeName) cannot be sliced", column: column)
        }
    }

    // MARK: Assignment

    /// `base` with `value` put at `path` (the base may be new when the path is empty).
    public func assign(into base: Value?, path: [PathStep], value: Value, name: String) throws(EvalError) -> Value {
        guard let step = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch step {
        case .member(let key, let column):
            guard case .object(var o) = base ?? .object([:]) else {
                throw EvalError("cannot set '.\(key)': \(base?.typeName ?? "it") is not an object", column: column)
            }
            if !rest.isEmpty, o[key] == nil {
                throw EvalError("no member '\(key)'\(suggestion(key, Array(o.keys)))", column: column)
            }
            o[key] = try assign(into: o[key], path: rest, value: value, name: name)
            return .object(o)
        case .index(let e, let column):
            let i = try evaluate(e)
            if case .string(let key) = i {
                return try assign(into: base, path: [.member(key, column: column)] + rest, value: value, name: name)
            }
            guard case .int(let n) = i else { throw EvalError("an index must be an integer, found \(i.typeName)", column: column) }
            switch base {
            case .array(var a)?:
                let p = try Evaluator.position(n, count: a.count, column: column)
                a[p] = try assign(into: a[p], path: rest, value: value, name: name)
                return .array(a)
            case .numeric(let x)? where x.rank == 1 && rest.isEmpty:
                let p = try Evaluator.position(n, count: x.count, column: column)
                return .numeric(try set(x, at: p, to: value, column: column))
            default:
                throw EvalError("cannot assign into \(base?.typeName ?? "nothing") by index", column: column)
            }
        }
    }

    func set(_ x: NumericArray, at p: Int, to v: Value, column: Int) throws(EvalError) -> NumericArray {
        func bad() -> EvalError { EvalError("cannot put \(v.typeName) into \(x.typeName)", column: column) }
        switch x.storage {
        case .float64(var a): guard let d = v.doubleValue else { throw bad() }; a[p] = d; return NumericArray(a)
        case .float32(var a): guard let d = v.doubleValue else { throw bad() }; a[p] = Float(d); return NumericArray(a)
        case .int64(var a): guard case .int(let i) = v else { throw bad() }; a[p] = i; return NumericArray(a)
        case .int32(var a): guard case .int(let i) = v, let j = Int32(exactly: i) else { throw bad() }; a[p] = j; return NumericArray(a)
        case .uint8(var a): guard case .int(let i) = v, let j = UInt8(exactly: i) else { throw bad() }; a[p] = j; return NumericArray(a)
        case .bool(var a): guard case .bool(let b) = v else { throw bad() }; a[p] = b; return NumericArray(a)
        }
    }
}

extension Evaluator {
    /// The names of the built-in functions.
    public static var functionNames: [String] { Array(Set(Builtins.names).union(higherOrder).union(drawing.keys)).sorted() }

    /// Functions that draw rather than give a value: the shell shows their
    /// picture when one is alone on a line; inside an expression they are an error.
    public static let drawing: [String: String] = [
        "plot": "plot(y, …) or plot(x, y): line charts of arrays, several series over one axis; a last string is the title",
        "hist": "hist(x, bins): a histogram of the values (bins chosen when left out)",
        "scatter": "scatter(x, y): a dot per (x, y) pair",
        "heatmap": "heatmap(m): a rank-2 array (or a list of equal rows) as shades",
    ]
    /// One line of help per built-in function.
    public static var functionHelp: [String] {
        functionNames.map { name in
            let help = higherOrderHelp[name] ?? drawing[name] ?? (name == "argmin" || name == "argmax"
                ? "\(name)(x) or \(name)(xs, key): the position of the \(name == "argmin" ? "smallest" : "largest") element, or of the element with the \(name == "argmin" ? "smallest" : "largest") key"
                : Builtins.table[name]!.help)
            return "\(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(help)"
        }
    }
}
