import Testing
import SpindleLanguage
import SpindleValue

/// A join's inputs as the shell shows them: one object per parent.
let joined = Variables([
    "inputs": [["rate": 0.005, "rmse": 0.73, "name": "a"], ["rate": 0.01, "rmse": 0.71, "name": "b"], ["rate": 0.02, "rmse": 0.75, "name": "c"]],
    "xs": .numeric(NumericArray([3.0, .nan, 1, 2])),
    "words": ["pear", "fig", "apple"],
    "mixed": [["k": 1], ["k": "one"]],
    "ragged": [["rmse": 1.0], ["loss": 2.0]],
])

func evalJoined(_ text: String) throws -> Value { try Evaluator(environment: joined).evaluate(try Parser.expression(text)) }

@Suite("Collections without ceremony")
struct CollectionTests {
    @Test("members of every element, map, filter, sortby, zip and argmin over objects", arguments: [
        ("inputs.rmse", "[Double] [0.73, 0.71, 0.75]"),
        ("inputs[*].rate", "[Double] [0.005, 0.01, 0.02]"),
        ("inputs[*].name", "Array 3 [\"a\", \"b\", \"c\"]"),
        ("inputs.rmse[1]", "0.71"),
        ("map(inputs, i -> i.rmse * 100)", "[Double] [73.0, 71.0, 75.0]"),
        ("map(inputs, \"name\")", "Array 3 [\"a\", \"b\", \"c\"]"),
        ("map(xs, x -> x > 1)", "Array 4 [true, false, false, true]"),
        ("map(words, w -> len(w))", "[Int] [4, 3, 5]"),
        ("map([], x -> x)", "Array 0 []"),
        ("filter(inputs, i -> i.rmse < 0.74).name", "Array 2 [\"a\", \"b\"]"),
        ("filter(xs, x -> !isnan(x))", "[Double] [3.0, 1.0, 2.0]"),
        ("sortby(inputs, \"rmse\").name", "Array 3 [\"b\", \"a\", \"c\"]"),
        ("sortby(inputs, i -> i.rmse, true).name", "Array 3 [\"c\", \"a\", \"b\"]"),
        ("sortby(words, w -> w)", "Array 3 [\"apple\", \"fig\", \"pear\"]"),
        ("sortby(xs, x -> x)", "[Double] [1.0, 2.0, 3.0, nan]"),
        ("argmin(inputs, \"rmse\")", "1"),
        ("argmax(inputs, i -> i.rate)", "2"),
        ("argmin(xs, x -> -x)", "0"),
        ("argmin(xs)", "2"),
        ("inputs[argmin(inputs.rmse)].rate", "0.01"),
        ("zip(inputs.rate, inputs.rmse)[1]", "[Double] [0.01, 0.71]"),
        ("len(zip(words, [1, 2, 3], xs[0:3]))", "3"),
        ("map(inputs, i -> map([1, 2], k -> k * i.rate))[2]", "[Double] [0.02, 0.04]"),
        ("map(inputs, xs -> xs.rate)", "[Double] [0.005, 0.01, 0.02]"),
    ])
    func values(text: String, expected: String) throws {
        #expect(try evalJoined(text).summary() == expected)
    }

    @Test("mistakes say what to write instead, at the right column", arguments: [
        ("words.size", 5, "element 0 is String, not an object, so it has no '.size'"),
        ("ragged.rmse", 6, "element 1 has no member 'rmse'; it has: loss"),
        ("inputs.rmze", 6, "element 0 has no member 'rmze' (did you mean 'rmse'?); it has: rate, rmse, name"),
        ("filter(inputs, i -> i.rmse)", 15, "filter's test must give true or false, gave Double"),
        ("filter(inputs, \"rmse\")", 15, "filter needs a function here (x -> …), found String"),
        ("map(inputs, 3)", 12, "map needs a function here (x -> …) or a member's name as a string, found Int"),
        ("map(3, x -> x)", 4, "map needs a list or an array, found Int"),
        ("map(inputs)", 0, "map takes 2 arguments, given 1: map(xs, x -> expr): expr for each element (or map(xs, \"name\"): each element's member)"),
        ("sortby(mixed, \"k\")", 14, "sortby's keys mix numbers and strings (element 0 gives a number, element 1 a string)"),
        ("sortby(inputs, i -> i)", 15, "sortby's key must be a number or a string; element 0 gives Object"),
        ("sortby(inputs, \"rmse\", 1)", 23, "sortby's third argument (descending) must be true or false"),
        ("argmin(inputs)", 0, "argmin of objects needs a key: argmin(xs, \"member\") or argmin(xs, x -> x.member)"),
        ("zip(words, [1, 2])", 0, "zip needs lists of one length; argument 1 has 3, argument 2 has 2"),
        ("zip(words, 3)", 0, "zip needs lists or rank-1 arrays; argument 2 is Int"),
        ("map(inputs, i -> i.nope)", 18, "no member 'nope'; it has: rate, rmse, name"),
        ("map(inputs, i -> j)", 17, "no variable 'j'"),
    ])
    func errors(text: String, column: Int, message: String) {
        let e = #expect(throws: EvalError.self) { try evalJoined(text) }
        #expect(e?.message == message, "\(e?.message ?? "")")
        #expect(e?.column == column)
    }

    @Test("a function is only an argument: alone, or as an operand, it is an error")
    func lambdaAlone() throws {
        #expect(throws: SyntaxError.self) { try Parser.expression("x -> x") }
        #expect(throws: SyntaxError.self) { try Parser.expression("1 + (x -> x)") }
        let e = #expect(throws: EvalError.self) { try evalJoined("len(x -> x)") }
        #expect(e?.message == "'x -> …' is a function: it can only be given to argmax, argmin, filter, map, sortby")
        let constant = #expect(throws: SyntaxError.self) { try Parser.expression("map(xs, true -> 1)") }
        #expect(constant?.message == "'true' is a constant; name the value another way")
    }

    @Test("map over a million elements answers, and nesting counts toward the depth limit")
    func large() throws {
        let v = try Evaluator(environment: Variables()).evaluate(try Parser.expression("map(range(1000000), x -> x % 7)"))
        guard case .numeric(let n) = v else { Issue.record("not numeric: \(v.typeName)"); return }
        #expect(n.count == 1_000_000)
        #expect(n.double(at: 999_999) == Double(999_999 % 7))
        let deep = "map(xs, x -> " + String(repeating: "(", count: 70) + "x" + String(repeating: ")", count: 70) + ")"
        #expect(throws: SyntaxError.self) { try Parser.expression(deep) }
    }

    @Test("an interruption stops a map midway")
    func interrupted() throws {
        final class Calls: @unchecked Sendable { var count = 0 }
        let calls = Calls()
        let stop = Interruption { calls.count += 1; return calls.count > 5_000 }
        let e = #expect(throws: EvalError.self) {
            try Evaluator(environment: Variables(), interruption: stop).evaluate(try Parser.expression("map(range(1000000), x -> x + 1)"))
        }
        #expect(e?.isInterruption == true)
    }
}
