import OrderedCollections
import SpindleValue

/// The functions that take a function: `map(xs, x -> x * 2)`,
/// `filter(inputs, i -> i.rmse < 1)`, `sortby(inputs, "rmse")`,
/// `argmin(inputs, "rmse")`. A key is a function `name -> expr` or a
/// member's name as a string (`"rmse"` is `i -> i.rmse`).
extension Evaluator {
    /// The functions that take a function (or a member's name) as an argument.
    static let higherOrder: Set<String> = ["map", "filter", "sortby", "argmin", "argmax"]

    /// One line of help for each, listed with the built-ins.
    static let higherOrderHelp: [String: String] = [
        "map": "map(xs, x -> expr): expr for each element (or map(xs, \"name\"): each element's member)",
        "filter": "filter(xs, x -> test): the elements for which test is true",
        "sortby": "sortby(xs, key, descending = false): the elements ordered by key (x -> expr, or a member's name)",
    ]

    @inline(never)
    func higherOrder(_ name: String, _ args: [Expr], column: Int) throws(EvalError) -> Value {
        // argmin(x) and argmax(x) of numbers are the plain built-ins.
        if (name == "argmin" || name == "argmax"), args.count == 1 {
            let x = try evaluate(args[0])
            if case .array(let items) = x, items.contains(where: { $0.kind == .object }) {
                throw EvalError("\(name) of objects needs a key: \(name)(xs, \"member\") or \(name)(xs, x -> x.member)", column: column)
            }
            return try Builtins.call(name, [x], column: column, interruption: interruption)
        }
        let arity: ClosedRange<Int> = name == "sortby" ? 2...3 : 2...2
        guard arity.contains(args.count) else {
            let usage = Evaluator.higherOrderHelp[name] ?? "\(name)(xs, key): the position of the \(name == "argmin" ? "smallest" : "largest") key"
            throw EvalError("\(name) takes \(arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)") arguments, given \(args.count): \(usage)", column: column)
        }
        let items = try elements(of: try evaluate(args[0]), for: name, column: args[0].column)
        let key = try keyFunction(args[1], for: name, allowsMember: name != "filter")
        switch name {
        case "map":
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try key(item)) }
            return Literal.packed(out)
        case "filter":
            var out: [Value] = []
            for item in items {
                let keep = try key(item)
                guard case .bool(let b) = keep else {
                    throw EvalError("filter's test must give true or false, gave \(keep.typeName)", column: args[1].column)
                }
                if b { out.append(item) }
            }
            return Literal.packed(out)
        case "sortby":
            var descending = false
            if args.count == 3 {
                guard case .bool(let d) = try evaluate(args[2]) else {
                    throw EvalError("sortby's third argument (descending) must be true or false", column: args[2].column)
                }
                descending = d
            }
            let keys = try sortKeys(items, key, name: name, column: args[1].column)
            let order = keys.indices.sorted { a, b in
                let (x, y) = descending ? (keys[b], keys[a]) : (keys[a], keys[b])
                if x.precedes(y) { return true }
                if y.precedes(x) { return false }
                return a < b  // stable: equal keys keep their order
            }
            return Literal.packed(order.map { items[$0] })
        default:  // argmin, argmax
            let keys = try sortKeys(items, key, name: name, column: args[1].column)
            var best: Int?
            for i in keys.indices where !keys[i].isNaN {
                guard let b = best else { best = i; continue }
                if name == "argmin" ? keys[i].precedes(keys[b]) : keys[b].precedes(keys[i]) { best = i }
            }
            return best.map { .int(Int64($0)) } ?? .null
        }
    }

    /// The elements `map` and its kind walk over: an array's items, a rank-1 numeric array's numbers.
    func elements(of v: Value, for name: String, column: Int) throws(EvalError) -> [Value] {
        switch v {
        case .array(let items): return items
        case .numeric(let n) where n.rank == 1:
            var out: [Value] = []
            out.reserveCapacity(n.count)
            try interruption.chunks(n.count, column: column) { (r: Range<Int>) throws(EvalError) in
                for k in r { out.append(n.element(at: k)) }
            }
            return out
        case .numeric(let n):
            throw EvalError("\(name) walks a list or a rank-1 array; this \(n.typeName) has shape \(n.shape) (reshape it first)", column: column)
        default:
            throw EvalError("\(name) needs a list or an array, found \(v.typeName)", column: column)
        }
    }

    /// The function an argument names: `x -> expr`, or `"member"`.
    func keyFunction(_ arg: Expr, for name: String, allowsMember: Bool) throws(EvalError) -> (Value) throws(EvalError) -> Value {
        if case .lambda(let parameter, let body, _) = arg {
            let outer = environment, stop = interruption
            return { (item: Value) throws(EvalError) -> Value in
                try Evaluator(environment: Binding(outer: outer, name: parameter, value: item), interruption: stop).evaluate(body)
            }
        }
        let v = try evaluate(arg)
        guard allowsMember, case .string(let member) = v else {
            throw EvalError("\(name) needs a function here (x -> …)\(allowsMember ? " or a member's name as a string" : ""), found \(v.typeName)", column: arg.column)
        }
        return { (item: Value) throws(EvalError) -> Value in try self.member(item, member, column: arg.column) }
    }

    /// Each item's key for ordering: all numbers or all strings.
    func sortKeys(_ items: [Value], _ key: (Value) throws(EvalError) -> Value, name: String, column: Int) throws(EvalError) -> [SortKey] {
        var keys: [SortKey] = []
        keys.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let k = try key(item)
            if let d = k.doubleValue, k.kind != .bool { keys.append(.number(d)) }
            else if case .string(let s) = k { keys.append(.text(s)) }
            else { throw EvalError("\(name)'s key must be a number or a string; element \(i) gives \(k.typeName)", column: column) }
            if i > 0, keys[i].isText != keys[0].isText {
                throw EvalError("\(name)'s keys mix numbers and strings (element 0 gives \(keys[0].isText ? "a string" : "a number"), element \(i) \(keys[i].isText ? "a string" : "a number"))", column: column)
            }
        }
        return keys
    }

    /// `name` of each element of a list: every one must be an object with it.
    func memberOfEach(_ items: [Value], _ name: String, column: Int) throws(EvalError) -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else {
                throw EvalError("element \(i) is \(item.typeName), not an object, so it has no '.\(name)'", column: column)
            }
            guard let m = o[name] else {
                throw EvalError("element \(i) has no member '\(name)'\(suggestion(name, Array(o.keys))); it has: \(o.keys.prefix(12).joined(separator: ", "))", column: column)
            }
            out.append(m)
        }
        return Literal.packed(out)
    }
}

/// An ordering key: numbers before strings never mix (``Evaluator/sortKeys``); NaN sorts last.
enum SortKey {
    case number(Double)
    case text(String)

    var isText: Bool { if case .text = self { true } else { false } }
    var isNaN: Bool { if case .number(let d) = self { d.isNaN } else { false } }

    func precedes(_ other: SortKey) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return a < b || (!a.isNaN && b.isNaN)
        case (.text(let a), .text(let b)): return a < b
        default: return false
        }
    }
}

/// The variables of an enclosing environment, with one more bound: a function's parameter.
struct Binding: Environment {
    let outer: any Environment
    let name: String
    let value: Value
    func lookup(_ n: String) throws -> Value? { n == name ? value : try outer.lookup(n) }
    var variableNames: [String] { [name] + outer.variableNames }
}
