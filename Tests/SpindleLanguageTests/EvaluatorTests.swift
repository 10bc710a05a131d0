import Testing
import SpindleLanguage
import SpindleValue

let env = Variables([
    "x": .numeric(NumericArray([1.0, -2, 3, .nan])),
    "n": .numeric(NumericArray([3, 1, 2] as [Int64])),
    "m": .numeric(try! NumericArray([1, 2, 3, 4, 5, 6], shape: [2, 3])),
    "o": ["name": "ann", "scores": [1, 2], "inner": ["deep": true]],
    "s": "hello",
    "a": [1, "two", nil],
])

func eval(_ text: String) throws -> Value { try Evaluator(environment: env).evaluate(try Parser.expression(text)) }

@Suite("Evaluating the language")
struct EvaluatorTests {
    @Test("expressions give values", arguments: [
        ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("7 / 2", "3.5"), ("7 % 3", "1"), ("-3 + 1", "-2"),
        ("2 - -1", "3"), ("1.5 * 2", "3.0"), ("\"a\" + \"b\"", "\"ab\""), ("1 < 2 && 2 < 3", "true"),
        ("!(1 == 1)", "false"), ("1 == 1.0", "false"), ("null == null", "true"), ("[\"a\"] + [\"b\"]", "Array 2 [\"a\", \"b\"]"), ("[1, 2] + [3, 4]", "[Int] [4, 6]"),
        ("x * 2", "[Double] [2.0, -4.0, 6.0, nan]"), ("n + 1", "[Int] [4, 2, 3]"), ("n * n", "[Int] [9, 1, 4]"),
        ("x > 0", "[Bool] [true, false, true, false]"), ("x[x > 0]", "[Double] [1.0, 3.0]"), ("n[[2, 0]]", "[Int] [2, 3]"),
        ("x[-1]", "nan"), ("x[1:3]", "[Double] [-2.0, 3.0]"), ("x[:2]", "[Double] [1.0, -2.0]"), ("x[-2:]", "[Double] [3.0, nan]"),
        ("x[10:]", "[Double] 0"), ("s[1:3]", "\"el\""), ("s[-1]", "\"o\""), ("m[1]", "[Double] [4.0, 5.0, 6.0]"), ("m[0:1]", "[Double 1×3] 3 · min 1 · mean 2 · max 3"),
        ("o.name", "\"ann\""), ("o[\"name\"]", "\"ann\""), ("o.inner.deep", "true"), ("o.scores[1]", "2"), ("a[1]", "\"two\""),
        ("len(x)", "4"), ("len(o)", "3"), ("len(s)", "5"), ("len(m)", "2"), ("sum(n)", "6"), ("sum(x)", "2.0"),
        ("mean(n)", "2.0"), ("min(x)", "-2.0"), ("max(x)", "3.0"), ("median(n)", "2.0"), ("std([2, 4])", "1.0"),
        ("head(n, 2)", "[Int] [3, 1]"), ("tail(n, 1)", "[Int] [2]"), ("keys(o)", "Array 3 [\"name\", \"scores\", \"inner\"]"),
        ("type(m)", "\"[Double 2×3]\""), ("shape(m)", "[Int] [2, 3]"), ("sort(n)", "[Int] [1, 2, 3]"), ("unique([3, 1, 3])", "[Int] [1, 3]"),
        ("argmax(n)", "0"), ("argmin(x)", "1"), ("count(x > 0)", "2"), ("count(isnan(x))", "1"), ("any(x > 2)", "true"),
        ("all(n > 0)", "true"), ("range(3)", "[Int] [0, 1, 2]"), ("abs(-2)", "2.0"), ("sqrt(16)", "4.0"), ("round(2.6)", "3.0"),
        ("clip(n, 1.5, 2.5)", "[Double] [2.5, 1.5, 2.0]"), ("percentile(n, 50)", "2.0"), ("int(\"42\")", "42"), ("float(2)", "2.0"),
        ("str(12)", "\"12\""), ("json(o.scores)", "\"[1,2]\""), ("reverse(n)", "[Int] [2, 1, 3]"), ("reshape(range(6), [3, 2])", "[Int 3×2] 6 · min 0 · mean 2.5 · max 5"),
        ("{a: 1, b: [true]}", "{a: 1, b: Array 1}"), ("[]", "Array 0 []"), ("nan == nan", "true"),
    ])
    func values(text: String, expected: String) throws {
        #expect(try eval(text).summary() == expected)
    }

    @Test("mistakes are errors with the column of the part at fault", arguments: [
        ("y", 0, "no variable 'y'"), ("xx + 1", 0, "no variable 'xx' (did you mean 'x'?)"),
        ("1 + s", 2, "'+' does not apply to Int and String"), ("o.nme", 1, "no member 'nme' (did you mean 'name'?); it has: name, scores, inner"),
        ("x.count", 1, "[Double] has no members; '.count' needs an object (use len(…))"), ("x[9]", 1, "index 9 is out of range for 4 elements"),
        ("x[1.5]", 1, "an index must be an integer, a string key, a [Bool] mask or a list of positions, found Double"),
        ("x[x > 0][n > 9]", 8, "the mask has 3 elements but the array has 2"), ("mena(x)", 0, "no function 'mena' (did you mean 'mean'?)"),
        ("len(x, 2)", 0, "len takes 1 argument, given 2: len(x): the number of elements, members or characters"),
        ("sum(s)", 0, "sum needs numbers or a numeric array, found String"), ("x + n", 2, "'+' needs arrays of the same length, found 4 and 3"),
        ("9223372036854775807 + 1", 20, "integer overflow in 9223372036854775807 + 1"), ("1 % 0", 2, "remainder by zero"),
        ("!1", 0, "'!' needs a Bool, found Int"), ("1 && true", 2, "'&&' needs two Bools (or two [Bool] arrays), found Int and Bool"),
        ("mean", 0, "'mean' is a function: call it as mean(…)"), ("reshape(n, [2, 2])", 0, "shape [2, 2] does not hold 3 elements"),
        ("s.x", 1, "String has no members; '.x' needs an object"), ("count(n)", 0, "count needs a [Bool] mask (like x > 0), found [Int]"),
    ])
    func errors(text: String, column: Int, message: String) {
        let e = #expect(throws: EvalError.self) { try eval(text) }
        #expect(e?.message == message)
        #expect(e?.column == column)
    }

    @Test("syntax errors say what was expected where", arguments: [
        ("1 +", 3, "expected a value, found end of line"), ("x[1", 3, "expected ']' to close the index opened at column 2, found end of line"),
        ("f(1, 2", 6, "expected ')' to close the call of f opened at column 2, found end of line"), ("x.", 2, "expected a member name after '.', found end of line"),
        ("(1", 2, "expected ')' to close the parenthesis opened at column 1, found end of line"), ("1 = 2", 2, "only a name or a path into one (a.b[0]) can be assigned to"),
        ("x[]", 2, "expected an index or a slice inside '[]'"), ("{a 1}", 3, "expected ':' after the key 'a', found number 1"),
        ("1 2", 2, "expected an operator or end of line, found number 2"), (")", 0, "expected a value, a name or '(', found ')'"),
    ])
    func syntax(text: String, column: Int, message: String) {
        let e = #expect(throws: SyntaxError.self) { try Parser.statement(text) }
        #expect(e?.message == message)
        #expect(e?.column == column)
    }

    @Test("assignment parses names and paths")
    func assignment() throws {
        guard case .assign(let name, let path, _, _) = try Parser.statement("ratings.users[0].id = 3") else {
            Issue.record("not an assignment"); return
        }
        #expect(name == "ratings")
        #expect(path.count == 3)
        #expect(try Parser.statement("a == 1") == .expression(.binary("==", .variable("a", column: 0), .literal(1, column: 5), column: 2)))
    }

    @Test("assigning into paths builds the new value")
    func assignInto() throws {
        let e = Evaluator(environment: env)
        guard case .assign(_, let path, _, _) = try Parser.statement("o.inner.deep = 0") else { return }
        let updated = try e.assign(into: env.values["o"], path: path, value: .int(0), name: "o")
        #expect(updated["inner"]?["deep"] == .int(0))
        guard case .assign(_, let p2, _, _) = try Parser.statement("n[1] = 9") else { return }
        #expect(try e.assign(into: env.values["n"], path: p2, value: .int(9), name: "n") == .numeric(NumericArray([3, 9, 2] as [Int64])))
    }

    @Test("describe gives count, NaNs, mean, std, min, quartiles and max; quantiles are exact on large arrays")
    func describe() throws {
        let big = NumericArray((0..<100_001).map { Double($0) })
        let q = big.quantiles([0, 0.25, 0.5, 0.75, 1])
        #expect(q == [0, 25_000, 50_000, 75_000, 100_000])
        let d = try Evaluator(environment: Variables(["v": .numeric(big)])).evaluate(try Parser.expression("describe(v)"))
        #expect(d.keys == ["count", "nan", "mean", "std", "min", "25%", "50%", "75%", "max"])
        #expect(d["50%"] == .double(50_000))
    }
}
