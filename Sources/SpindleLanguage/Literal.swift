import OrderedCollections
import SpindleValue

/// Parses a value literal of the shell language — numbers, strings,
/// `true`/`false`/`null`, `nan`/`inf`, arrays `[…]`, objects `{key: …}` —
/// which includes JSON. Used for `--set name=value` and `--set-file`.
///
/// Arrays of numbers become numeric arrays: `[1, 2]` is `[Int]`, `[1, 2.5]` is
/// `[Double]`. A leading `-` negates a number.
///
/// ```swift
/// try Literal.parse("{rate: 0.01, layers: [64, 32]}")
/// // ["rate": 0.01, "layers": [Int] [64, 32]]
/// ```
public enum Literal {
    /// The value `text` writes, or a ``SyntaxError`` with its column.
    public static func parse(_ text: String) throws(SyntaxError) -> Value {
        var p = LiteralParser(tokens: try Lexer.tokens(text))
        let v = try p.value()
        guard case .end = p.peek.kind else {
            throw SyntaxError("expected end of value, found \(p.peek.described)", column: p.peek.column)
        }
        return v
    }

    /// Arrays whose elements are all numbers become numeric arrays.
    public static func packed(_ items: [Value]) -> Value {
        guard !items.isEmpty else { return .array([]) }
        var allInt = true
        var doubles: [Double] = []
        var ints: [Int64] = []
        doubles.reserveCapacity(items.count)
        for v in items {
            switch v {
            case .int(let i): ints.append(i); doubles.append(Double(i))
            case .double(let d): allInt = false; doubles.append(d)
            default: return .array(items)
            }
        }
        return .numeric(allInt ? NumericArray(ints) : NumericArray(doubles))
    }
}

struct LiteralParser {
    let tokens: [Token]
    var index = 0
    var depth = 0
    /// How deeply arrays and objects may nest: as deeply as in an expression
    /// (``Parser/maxDepth``), so that parsing, printing, encoding and freeing
    /// the deepest value allowed fit a secondary thread's 512 KiB stack (the MCP
    /// server parses `spin` overrides there). `LiteralDepthTests` checks that.
    static let maxDepth = Parser.maxDepth

    var peek: Token { tokens[index] }
    mutating func advance() -> Token {
        defer { if index < tokens.count - 1 { index += 1 } }
        return tokens[index]
    }

    // `value`, `array` and `object` call each other once a level of nesting, so each keeps a small frame:
    // messages are made by the static functions at the end.

    mutating func value() throws(SyntaxError) -> Value {
        let t = advance()
        switch t.kind {
        case .symbol("["): return try array(t)
        case .symbol("{"): return try object(t)
        case .symbol("-"): return try LiteralParser.negative(advance())
        default: return try LiteralParser.scalar(t)
        }
    }

    /// The negative of the number `n`, which followed a '-'.
    static func negative(_ n: Token) throws(SyntaxError) -> Value {
        switch n.kind {
        case .integer(let i): return .int(-i)
        case .double(let d): return .double(-d)
        case .identifier("inf"): return .double(-.infinity)
        default: throw SyntaxError("expected a number after '-', found \(n.described)", column: n.column)
        }
    }

    /// A number, string or constant: the token `t`.
    static func scalar(_ t: Token) throws(SyntaxError) -> Value {
        switch t.kind {
        case .integer(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .identifier("true"): return .bool(true)
        case .identifier("false"): return .bool(false)
        case .identifier("null"), .identifier("nil"): return .null
        case .identifier("nan"): return .double(.nan)
        case .identifier("inf"): return .double(.infinity)
        case .end:
            throw SyntaxError("expected a value, found end of line", column: t.column)
        default:
            throw SyntaxError("expected a value (a number, string, true, false, null, [array] or {object}), found \(t.described)", column: t.column)
        }
    }

    mutating func enter(_ t: Token) throws(SyntaxError) {
        guard depth < LiteralParser.maxDepth else { throw LiteralParser.tooDeep(t) }
        depth += 1
    }

    /// `[a, b, …]` after its '[' `t`.
    mutating func array(_ t: Token) throws(SyntaxError) -> Value {
        try enter(t)
        defer { depth -= 1 }
        var items: [Value] = []
        if case .symbol("]") = peek.kind { _ = advance(); return .array([]) }
        while true {
            items.append(try value())
            let sep = advance()
            if case .symbol(",") = sep.kind {
                if case .symbol("]") = peek.kind { _ = advance(); break }
                continue
            }
            if case .symbol("]") = sep.kind { break }
            throw LiteralParser.unclosed("]", "array", t, found: sep)
        }
        return Literal.packed(items)
    }

    /// `{key: value, …}` after its '{' `t`.
    mutating func object(_ t: Token) throws(SyntaxError) -> Value {
        try enter(t)
        defer { depth -= 1 }
        var o = OrderedDictionary<String, Value>()
        if case .symbol("}") = peek.kind { _ = advance(); return .object(o) }
        while true {
            let key = try self.key()
            o[key] = try value()
            let sep = advance()
            if case .symbol(",") = sep.kind {
                if case .symbol("}") = peek.kind { _ = advance(); break }
                continue
            }
            if case .symbol("}") = sep.kind { break }
            throw LiteralParser.unclosed("}", "object", t, found: sep)
        }
        return .object(o)
    }

    /// A key and its ':'.
    mutating func key() throws(SyntaxError) -> String {
        let key = try advance().objectKey()
        let colon = advance()
        guard case .symbol(":") = colon.kind else {
            throw SyntaxError("expected ':' after the key '\(key)', found \(colon.described)", column: colon.column)
        }
        return key
    }

    static func tooDeep(_ t: Token) -> SyntaxError {
        SyntaxError("nested too deeply (more than \(maxDepth) levels)", column: t.column)
    }

    static func unclosed(_ close: String, _ what: String, _ open: Token, found sep: Token) -> SyntaxError {
        SyntaxError("expected ',' or '\(close)' to close the \(what) opened at column \(open.column + 1), found \(sep.described)", column: sep.column)
    }
}
