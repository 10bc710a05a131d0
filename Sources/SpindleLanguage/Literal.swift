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
    /// How deeply arrays and objects may nest (as in the artifact codec).
    static let maxDepth = 512

    var peek: Token { tokens[index] }
    mutating func advance() -> Token {
        defer { if index < tokens.count - 1 { index += 1 } }
        return tokens[index]
    }

    mutating func value() throws(SyntaxError) -> Value {
        let t = advance()
        switch t.kind {
        case .integer(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .identifier("true"): return .bool(true)
        case .identifier("false"): return .bool(false)
        case .identifier("null"), .identifier("nil"): return .null
        case .identifier("nan"): return .double(.nan)
        case .identifier("inf"): return .double(.infinity)
        case .symbol("-"):
            let n = advance()
            switch n.kind {
            case .integer(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case .identifier("inf"): return .double(-.infinity)
            default: throw SyntaxError("expected a number after '-', found \(n.described)", column: n.column)
            }
        case .symbol("[") where depth >= LiteralParser.maxDepth, .symbol("{") where depth >= LiteralParser.maxDepth:
            throw SyntaxError("nested deeper than \(LiteralParser.maxDepth) levels", column: t.column)
        case .symbol("["):
            depth += 1
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
                throw SyntaxError("expected ',' or ']' to close the array opened at column \(t.column + 1), found \(sep.described)", column: sep.column)
            }
            return Literal.packed(items)
        case .symbol("{"):
            depth += 1
            defer { depth -= 1 }
            var o = OrderedDictionary<String, Value>()
            if case .symbol("}") = peek.kind { _ = advance(); return .object(o) }
            while true {
                let k = advance()
                let key: String
                switch k.kind {
                case .identifier(let n): key = n
                case .string(let s): key = s
                default: throw SyntaxError("expected a key (a name or a string), found \(k.described)", column: k.column)
                }
                let colon = advance()
                guard case .symbol(":") = colon.kind else {
                    throw SyntaxError("expected ':' after the key '\(key)', found \(colon.described)", column: colon.column)
                }
                o[key] = try value()
                let sep = advance()
                if case .symbol(",") = sep.kind {
                    if case .symbol("}") = peek.kind { _ = advance(); break }
                    continue
                }
                if case .symbol("}") = sep.kind { break }
                throw SyntaxError("expected ',' or '}' to close the object opened at column \(t.column + 1), found \(sep.described)", column: sep.column)
            }
            return .object(o)
        case .end:
            throw SyntaxError("expected a value, found end of line", column: t.column)
        default:
            throw SyntaxError("expected a value (a number, string, true, false, null, [array] or {object}), found \(t.described)", column: t.column)
        }
    }
}
