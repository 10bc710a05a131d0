import Testing
import SpindleLanguage
import SpindleValue
import OrderedCollections

@Suite("Value literals")
struct LiteralTests {
    @Test("literals parse to values", arguments: [
        ("42", Value.int(42)),
        ("-7", .int(-7)),
        ("0.5", .double(0.5)),
        ("1e-3", .double(0.001)),
        ("-2.5e2", .double(-250)),
        ("1_000", .int(1000)),
        ("\"hi\\n\"", .string("hi\n")),
        ("'single'", .string("single")),
        ("\"\\u{1F600}\"", .string("😀")),
        ("true", .bool(true)),
        ("null", .null),
        ("[]", .array([])),
        ("[1, 2, 3]", .numeric(NumericArray([1, 2, 3] as [Int64]))),
        ("[1, 2.5]", .numeric(NumericArray([1, 2.5] as [Double]))),
        ("[1, \"a\"]", .array([1, "a"])),
        ("[1, 2,]", .numeric(NumericArray([1, 2] as [Int64]))),
        ("{rate: 0.01, \"name\": \"x\"}", Value(dictionaryLiteral: ("rate", 0.01), ("name", "x"))),
        ("{\"a\": [true, null], \"b\": {}}", Value(dictionaryLiteral: ("a", [true, nil]), ("b", .object([:])))),
    ] as [(String, Value)])
    func parses(text: String, value: Value) throws {
        #expect(try Literal.parse(text) == value)
    }

    @Test("NaN and infinities have names")
    func special() throws {
        guard case .double(let d) = try Literal.parse("nan") else { Issue.record("not a double"); return }
        #expect(d.isNaN)
        #expect(try Literal.parse("-inf") == .double(-.infinity))
    }

    @Test("mistakes point at the column and say what was expected", arguments: [
        ("[1, 2", 5, "expected ',' or ']' to close the array opened at column 1, found end of line"),
        ("{a 1}", 3, "expected ':' after the key 'a', found number 1"),
        ("\"open", 0, "the string opened here is never closed (add \")"),
        ("1 2", 2, "expected end of value, found number 2"),
        ("", 0, "expected a value, found end of line"),
        ("@", 0, "unexpected character '@'"),
        ("{1: 2}", 1, "expected a key (a name or a string), found number 1"),
        ("- x", 2, "expected a number after '-', found 'x'"),
        ("99999999999999999999", 0, "the integer 99999999999999999999 does not fit in 64 bits"),
        ("\"\\q\"", 1, "unknown escape '\\q' in a string"),
        ("12abc", 2, "a number cannot run into a name here"),
        ("foo", 0, "expected a value (a number, string, true, false, null, [array] or {object}), found 'foo'"),
    ])
    func errors(text: String, column: Int, message: String) {
        let error = #expect(throws: SyntaxError.self) { try Literal.parse(text) }
        #expect(error?.column == column)
        #expect(error?.message == message)
    }

    @Test("nesting is bounded: deep input is an error, not a stack overflow")
    func deep() {
        let e = #expect(throws: SyntaxError.self) { try Literal.parse(String(repeating: "[", count: 200_000)) }
        #expect(e?.message == "nested too deeply (more than 64 levels)")
        #expect(e?.column == 64)
    }

    @Test("an error draws a caret under its column")
    func caret() {
        let e = SyntaxError("expected ']'", column: 5)
        #expect(e.pointing(at: "[1, 2") == "[1, 2\n     ^ expected ']'")
    }
}
