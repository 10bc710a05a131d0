import Foundation
import OrderedCollections
import SpindleValue

/// The shell language's functions. Statistics skip NaN elements (as pandas
/// does); `count(isnan(x))` counts them.
enum Builtins {
    struct Function: Sendable {
        let arity: ClosedRange<Int>
        let help: String
        let body: @Sendable ([Value], Int, Interruption) throws(EvalError) -> Value
    }

    static let names: [String] = Array(table.keys).sorted()

    /// One line of help per function, for the shell's `help functions`.
    static var helpLines: [String] { names.map { "\($0.padding(toLength: 11, withPad: " ", startingAt: 0)) \(table[$0]!.help)" } }

    static func call(_ name: String, _ args: [Value], column: Int, interruption: Interruption) throws(EvalError) -> Value {
        guard let f = table[name] else {
            throw EvalError("no function '\(name)'\(suggestion(name, names))", column: column)
        }
        guard f.arity.contains(args.count) else {
            let want = f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound) to \(f.arity.upperBound)"
            throw EvalError("\(name) takes \(want) argument\(f.arity.upperBound == 1 ? "" : "s"), given \(args.count): \(f.help)", column: column)
        }
        return try f.body(args, column, interruption)
    }

    static func numbers(_ v: Value, _ fn: String, _ column: Int) throws(EvalError) -> NumericArray {
        if let d = v.doubleValue { return NumericArray([d]) }
        guard let n = Arithmetic.numeric(v) else {
            throw EvalError("\(fn) needs numbers or a numeric array, found \(v.typeName)", column: column)
        }
        return n
    }

    static func integer(_ v: Value, _ what: String, _ column: Int) throws(EvalError) -> Int {
        guard case .int(let i) = v else { throw EvalError("\(what) must be an integer, found \(v.typeName)", column: column) }
        return Int(i)
    }

    static func statistic(_ name: String, _ help: String, _ pick: @escaping @Sendable (NumericArray.Statistics) -> Double) -> Function {
        Function(arity: 1...1, help: help) { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try numbers(a[0], name, c)
            return .double(pick(n.statistics()))
        }
    }

    /// Applies `f` to a number or to each element of a numeric array.
    static func map(_ name: String, _ help: String, _ f: @escaping @Sendable (Double) -> Double) -> Function {
        Function(arity: 1...1, help: help) { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if let d = a[0].doubleValue { return .double(f(d)) }
            let n = try numbers(a[0], name, c)
            return .numeric(try! NumericArray(storage: .float64(try stop.map(n.doubles(), column: c, f)), shape: n.shape))
        }
    }

    static func headTail(_ name: String, fromEnd: Bool) -> Function {
        Function(arity: 1...2, help: "\(name)(x, n = 5): the \(fromEnd ? "last" : "first") n elements") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = a.count > 1 ? try integer(a[1], "n", c) : 5
            guard let count = a[0].kind == .object ? nil : (a[0].kind == .numeric ? Arithmetic.numeric(a[0])?.indices.count : a[0].count) else {
                throw EvalError("\(name) needs an array or a string, found \(a[0].typeName)", column: c)
            }
            let lo = fromEnd ? max(0, count - n) : 0, hi = fromEnd ? count : min(count, n)
            return try Evaluator(environment: Variables()).slice(a[0], .int(Int64(lo)), .int(Int64(hi)), column: c)
        }
    }

    /// `count` copies of `x`, made a stride at a time so that an interruption is answered.
    static func filled(_ x: Double, count: Int, _ stop: Interruption, column: Int) throws(EvalError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(count)
        try stop.chunks(count, column: column) { (r: Range<Int>) throws(EvalError) in
            out.append(contentsOf: repeatElement(x, count: r.count))
        }
        return out
    }

    /// The longest string `json` escapes, in UTF-8 bytes.
    static let jsonLimit = 10_000_000

    static let table: [String: Function] = [
        "len": Function(arity: 1...1, help: "len(x): the number of elements, members or characters") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if case .numeric(let n) = a[0] { return .int(Int64(n.indices.count)) }
            guard let n = a[0].count else { throw EvalError("len needs a collection, found \(a[0].typeName)", column: c) }
            return .int(Int64(n))
        },
        "sum": Function(arity: 1...1, help: "sum(x): the sum of the elements (NaN skipped)") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try numbers(a[0], "sum", c)
            if case .int64(let xs) = n.storage {
                var s: Int64 = 0, overflow = false
                try stop.chunks(xs.count, column: c) { (r: Range<Int>) throws(EvalError) in
                    for k in r where !overflow {
                        let next = s.addingReportingOverflow(xs[k])
                        overflow = next.overflow
                        s = next.partialValue
                    }
                }
                if !overflow { return .int(s) }
            }
            let xs = n.doubles()
            var s = 0.0
            try stop.chunks(xs.count, column: c) { (r: Range<Int>) throws(EvalError) in
                for k in r where !xs[k].isNaN { s += xs[k] }
            }
            return .double(s)
        },
        "mean": statistic("mean", "mean(x): the mean (NaN skipped)") { $0.mean },
        "std": statistic("std", "std(x): the population standard deviation (NaN skipped)") { $0.standardDeviation },
        "min": statistic("min", "min(x): the smallest element (NaN skipped)") { $0.min },
        "max": statistic("max", "max(x): the largest element (NaN skipped)") { $0.max },
        "median": Function(arity: 1...1, help: "median(x): the middle value (NaN skipped)") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            .double(try numbers(a[0], "median", c).quantiles([0.5])[0])
        },
        "percentile": Function(arity: 2...2, help: "percentile(x, p): the p-th percentile, p in 0…100") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard let p = a[1].doubleValue, (0...100).contains(p) else { throw EvalError("p must be a number from 0 to 100", column: c) }
            return .double(try numbers(a[0], "percentile", c).quantiles([p / 100])[0])
        },
        "describe": Function(arity: 1...1, help: "describe(x): count, NaNs, mean, std, min, quartiles, max") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try numbers(a[0], "describe", c)
            let (s, q) = n.describe()
            return .object(["count": .int(Int64(s.count)), "nan": .int(Int64(s.nanCount)), "mean": .double(s.mean),
                            "std": .double(s.standardDeviation), "min": .double(s.min), "25%": .double(q[0]),
                            "50%": .double(q[1]), "75%": .double(q[2]), "max": .double(s.max)])
        },
        "head": headTail("head", fromEnd: false),
        "tail": headTail("tail", fromEnd: true),
        "keys": Function(arity: 1...1, help: "keys(o): an object's keys") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard case .object(let o) = a[0] else { throw EvalError("keys needs an object, found \(a[0].typeName)", column: c) }
            return .array(o.keys.map { .string($0) })
        },
        "values": Function(arity: 1...1, help: "values(o): an object's values") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard case .object(let o) = a[0] else { throw EvalError("values needs an object, found \(a[0].typeName)", column: c) }
            return Literal.packed(Array(o.values))
        },
        "type": Function(arity: 1...1, help: "type(x): the type's name") { (a: [Value], _: Int, _: Interruption) throws(EvalError) -> Value in
            .string(a[0].typeName)
        },
        "shape": Function(arity: 1...1, help: "shape(x): the extent of each dimension") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if case .numeric(let n) = a[0] { return .numeric(NumericArray(n.shape)) }
            guard let n = a[0].count else { throw EvalError("shape needs an array, found \(a[0].typeName)", column: c) }
            return .numeric(NumericArray([n]))
        },
        "reshape": Function(arity: 2...2, help: "reshape(x, [rows, cols]): the same elements in another shape") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try numbers(a[0], "reshape", c)
            guard let s = Arithmetic.numeric(a[1]), Arithmetic.isInteger(s) else { throw EvalError("the shape must be a list of integers", column: c) }
            var dims: [Int] = []
            for k in 0..<s.count {
                guard case .int(let d) = s.storage.scalar(at: k), d >= 0, d <= Int64(n.count) else {
                    throw EvalError("shape dimensions must be integers from 0 to \(n.count)", column: c)
                }
                dims.append(Int(d))
            }
            do { return .numeric(try n.reshaped(dims)) } catch {
                throw EvalError("\(error)", column: c)
            }
        },
        "sort": Function(arity: 1...1, help: "sort(x): the elements in ascending order") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if let n = Arithmetic.numeric(a[0]) {
                if case .int64(let xs) = n.storage { return .numeric(NumericArray(xs.sorted())) }
                return .numeric(NumericArray(n.doubles().sorted { $0 < $1 || ($1.isNaN && !$0.isNaN) }))
            }
            guard case .array(let xs) = a[0], xs.allSatisfy({ if case .string = $0 { true } else { false } }) else {
                throw EvalError("sort needs numbers or strings, found \(a[0].typeName)", column: c)
            }
            return .array(xs.sorted { if case .string(let x) = $0, case .string(let y) = $1 { x < y } else { false } })
        },
        "unique": Function(arity: 1...1, help: "unique(x): the distinct elements, sorted") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if let n = Arithmetic.numeric(a[0]) {
                if case .int64(let xs) = n.storage { return .numeric(NumericArray(Array(Set(xs)).sorted())) }
                if case .bool(let xs) = n.storage { return .numeric(NumericArray(Array(Set(xs)).sorted { !$0 && $1 })) }
                return .numeric(NumericArray(Array(Set(n.doubles().filter { !$0.isNaN })).sorted()))
            }
            guard case .array(let xs) = a[0] else { throw EvalError("unique needs an array, found \(a[0].typeName)", column: c) }
            // Strings (the usual case: names, labels) by hashing; anything else by comparing with those kept,
            // which is quadratic, so it answers an interruption.
            if xs.allSatisfy({ if case .string = $0 { true } else { false } }) {
                var kept = Set<String>()
                return .array(xs.filter { if case .string(let s) = $0 { kept.insert(s).inserted } else { false } })
            }
            var seen: [Value] = []
            try stop.chunks(xs.count, column: c) { (r: Range<Int>) throws(EvalError) in
                for k in r where !seen.contains(xs[k]) { seen.append(xs[k]) }
            }
            return .array(seen)
        },
        "reverse": Function(arity: 1...1, help: "reverse(x): the elements in reverse order") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if case .array(let xs) = a[0] { return .array(xs.reversed()) }
            if case .string(let s) = a[0] { return .string(String(s.reversed())) }
            let n = try numbers(a[0], "reverse", c)
            return Literal.packed((0..<n.indices.count).reversed().map { n.element(at: $0) })
        },
        "abs": map("abs", "abs(x): absolute value, element-wise") { Swift.abs($0) },
        "sqrt": map("sqrt", "sqrt(x): square root, element-wise") { $0.squareRoot() },
        "log": map("log", "log(x): natural logarithm, element-wise") { Foundation.log($0) },
        "exp": map("exp", "exp(x): e to the x, element-wise") { Foundation.exp($0) },
        "round": map("round", "round(x): to the nearest integer, element-wise") { $0.rounded() },
        "isnan": Function(arity: 1...1, help: "isnan(x): whether each element is NaN") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if let d = a[0].doubleValue { return .bool(d.isNaN) }
            let n = try numbers(a[0], "isnan", c)
            return .numeric(try! NumericArray(storage: .bool(try stop.map(n.doubles(), column: c) { $0.isNaN }), shape: n.shape))
        },
        "clip": Function(arity: 3...3, help: "clip(x, lo, hi): each element limited to lo…hi") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard let lo = a[1].doubleValue, let hi = a[2].doubleValue else { throw EvalError("lo and hi must be numbers", column: c) }
            if let d = a[0].doubleValue { return .double(Swift.min(Swift.max(d, lo), hi)) }
            let n = try numbers(a[0], "clip", c)
            return .numeric(try! NumericArray(storage: .float64(try stop.map(n.doubles(), column: c) { Swift.min(Swift.max($0, lo), hi) }), shape: n.shape))
        },
        "argmin": Function(arity: 1...1, help: "argmin(x): the position of the smallest element") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let xs = try numbers(a[0], "argmin", c).doubles()
            guard let i = xs.indices.filter({ !xs[$0].isNaN }).min(by: { xs[$0] < xs[$1] }) else { return .null }
            return .int(Int64(i))
        },
        "argmax": Function(arity: 1...1, help: "argmax(x): the position of the largest element") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let xs = try numbers(a[0], "argmax", c).doubles()
            guard let i = xs.indices.filter({ !xs[$0].isNaN }).max(by: { xs[$0] < xs[$1] }) else { return .null }
            return .int(Int64(i))
        },
        "zip": Function(arity: 2...8, help: "zip(a, b, …): the lists side by side, [[a0, b0], [a1, b1], …]") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            var columns: [[Value]] = []
            for (k, x) in a.enumerated() {
                switch x {
                case .array(let items): columns.append(items)
                case .numeric(let n) where n.rank == 1: columns.append((0..<n.count).map { n.element(at: $0) })
                default: throw EvalError("zip needs lists or rank-1 arrays; argument \(k + 1) is \(x.typeName)", column: c)
                }
                if columns[k].count != columns[0].count {
                    throw EvalError("zip needs lists of one length; argument 1 has \(NumberFormatting.count(columns[0].count)), argument \(k + 1) has \(NumberFormatting.count(columns[k].count))", column: c)
                }
            }
            var out: [Value] = []
            out.reserveCapacity(columns[0].count)
            try stop.chunks(columns[0].count, column: c) { (r: Range<Int>) throws(EvalError) in
                for i in r { out.append(Literal.packed(columns.map { $0[i] })) }
            }
            return .array(out)
        },
        "count": Function(arity: 1...1, help: "count(mask): how many elements are true") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard let n = Arithmetic.numeric(a[0]), case .bool(let xs) = n.storage else {
                throw EvalError("count needs a [Bool] mask (like x > 0), found \(a[0].typeName)", column: c)
            }
            return .int(Int64(xs.reduce(0) { $0 + ($1 ? 1 : 0) }))
        },
        "any": Function(arity: 1...1, help: "any(mask): whether any element is true") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard let n = Arithmetic.numeric(a[0]), case .bool(let xs) = n.storage else { throw EvalError("any needs a [Bool] mask", column: c) }
            return .bool(xs.contains(true))
        },
        "all": Function(arity: 1...1, help: "all(mask): whether every element is true") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            guard let n = Arithmetic.numeric(a[0]), case .bool(let xs) = n.storage else { throw EvalError("all needs a [Bool] mask", column: c) }
            return .bool(!xs.contains(false))
        },
        "range": Function(arity: 1...2, help: "range(n) or range(a, b): the integers a…b-1") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let lo = a.count == 2 ? try integer(a[0], "a", c) : 0
            let hi = try integer(a[a.count - 1], a.count == 2 ? "b" : "n", c)
            let (span, overflow) = hi.subtractingReportingOverflow(lo)
            guard !overflow, span <= 100_000_000 else { throw EvalError("range is limited to 100 000 000 elements", column: c) }
            var out: [Int64] = []
            out.reserveCapacity(max(0, span))
            try stop.chunks(max(0, span), column: c) { (r: Range<Int>) throws(EvalError) in
                out.append(contentsOf: (Int64(lo) + Int64(r.lowerBound))..<(Int64(lo) + Int64(r.upperBound)))
            }
            return .numeric(NumericArray(out))
        },
        "zeros": Function(arity: 1...1, help: "zeros(n): n zeros") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try integer(a[0], "n", c)
            guard (0...100_000_000).contains(n) else { throw EvalError("n must be 0…100 000 000", column: c) }
            return .numeric(NumericArray(try filled(0, count: n, stop, column: c)))
        },
        "ones": Function(arity: 1...1, help: "ones(n): n ones") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            let n = try integer(a[0], "n", c)
            guard (0...100_000_000).contains(n) else { throw EvalError("n must be 0…100 000 000", column: c) }
            return .numeric(NumericArray(try filled(1, count: n, stop, column: c)))
        },
        "float": Function(arity: 1...1, help: "float(x): as Double (element-wise)") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if let d = a[0].doubleValue { return .double(d) }
            if case .string(let s) = a[0], let d = Double(s) { return .double(d) }
            let n = try numbers(a[0], "float", c)
            return .numeric(try! NumericArray(storage: .float64(n.doubles()), shape: n.shape))
        },
        "int": Function(arity: 1...1, help: "int(x): as Int, rounding toward zero") { (a: [Value], c: Int, stop: Interruption) throws(EvalError) -> Value in
            if case .string(let s) = a[0], let i = Int64(s) { return .int(i) }
            guard let d = a[0].doubleValue, d.isFinite, abs(d) < 9.2e18 else {
                throw EvalError("int needs a finite number, found \(a[0].summary(width: 30))", column: c)
            }
            return .int(Int64(d))
        },
        "str": Function(arity: 1...1, help: "str(x): x as text") { (a: [Value], _: Int, _: Interruption) throws(EvalError) -> Value in
            if case .string = a[0] { return a[0] }
            return .string(a[0].summary(width: 10_000))
        },
        "json": Function(arity: 1...1, help: "json(x): x as JSON text") { (a: [Value], c: Int, _: Interruption) throws(EvalError) -> Value in
            // Each json(…) of a string escapes its quotes and backslashes, so nested ones double the text at each
            // level: json(json(…(json("a")…))) 63 deep would be 2^63 characters. Past the limit it is an error.
            if case .string(let s) = a[0], s.utf8.count > jsonLimit {
                throw EvalError("json is limited to strings of \(NumberFormatting.count(jsonLimit)) bytes, given \(NumberFormatting.count(s.utf8.count))", column: c)
            }
            return .string(a[0].jsonText())
        },
    ]
}
