import Foundation
/// Splits a line of the shell language into tokens.
///
/// Numbers are decimal integers and doubles (`3`, `-` is an operator, `0.5`,
/// `1e-3`, `.5` is not a number); strings are in double or single quotes with
/// backslash escapes (`\n \t \" \' \\ \u{1F600}`); identifiers are letters,
/// digits and `_`, not starting with a digit; `#` starts a comment.
public struct Lexer {
    let chars: [Character]
    var i = 0

    public init(_ line: String) { chars = Array(line) }

    /// Every token of the line, ending with `.end`.
    public static func tokens(_ line: String) throws(SyntaxError) -> [Token] {
        var lexer = Lexer(line)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    static let twoCharSymbols: Set<String> = ["<=", ">=", "==", "!=", "&&", "||", "..", "->"]
    static let oneCharSymbols: Set<Character> = ["[", "]", "{", "}", "(", ")", ",", ":", ".", "=", "+", "-", "*", "/", "%", "<", ">", "!"]

    /// The next token (`.end` at the end of the line).
    public mutating func next() throws(SyntaxError) -> Token {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        guard i < chars.count, chars[i] != "#" else { return Token(kind: .end, column: chars.count, text: "") }
        let start = i
        let c = chars[i]
        if c.isASCII, c.isNumber { return try number(start) }
        if c == "\"" || c == "'" { return try string(start, quote: c) }
        if c == "_" || (c.isLetter && c.isASCII) {
            while i < chars.count, chars[i] == "_" || ((chars[i].isLetter || chars[i].isNumber) && chars[i].isASCII) { i += 1 }
            let text = String(chars[start..<i])
            return Token(kind: .identifier(text), column: start, text: text)
        }
        if i + 1 < chars.count {
            let two = String(chars[i...(i + 1)])
            if Lexer.twoCharSymbols.contains(two) {
                i += 2
                return Token(kind: .symbol(two), column: start, text: two)
            }
        }
        if Lexer.oneCharSymbols.contains(c) {
            i += 1
            return Token(kind: .symbol(String(c)), column: start, text: String(c))
        }
        throw SyntaxError("unexpected character '\(c)'", column: start)
    }

    mutating func number(_ start: Int) throws(SyntaxError) -> Token {
        var isDouble = false
        while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "_" { i += 1 }
        // A fraction, but not the start of a range `0..3` or a member `.x`.
        if i + 1 < chars.count, chars[i] == ".", chars[i + 1].isASCII, chars[i + 1].isNumber {
            isDouble = true
            i += 1
            while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "_" { i += 1 }
        }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, chars[j].isASCII, chars[j].isNumber {
                isDouble = true
                i = j
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
            }
        }
        if i < chars.count, chars[i].isLetter || chars[i] == "_" {
            throw SyntaxError("a number cannot run into a name here", column: i)
        }
        let text = String(chars[start..<i])
        let digits = text.replacingOccurrences(of: "_", with: "")
        if isDouble {
            guard let d = Double(digits) else { throw SyntaxError("'\(text)' is not a number", column: start) }
            return Token(kind: .double(d), column: start, text: text)
        }
        guard let n = Int64(digits) else {
            throw SyntaxError("the integer \(text) does not fit in 64 bits", column: start)
        }
        return Token(kind: .integer(n), column: start, text: text)
    }

    mutating func string(_ start: Int, quote: Character) throws(SyntaxError) -> Token {
        i += 1
        var out = ""
        while i < chars.count {
            let c = chars[i]
            if c == quote {
                i += 1
                return Token(kind: .string(out), column: start, text: String(chars[start..<i]))
            }
            if c == "\\" {
                guard i + 1 < chars.count else { break }
                let e = chars[i + 1]
                i += 2
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case "\\", "\"", "'", "/": out.append(e)
                case "u":
                    let escStart = i - 2
                    guard i < chars.count, chars[i] == "{", let close = chars[i...].firstIndex(of: "}"),
                          let code = UInt32(String(chars[(i + 1)..<close]), radix: 16), let scalar = Unicode.Scalar(code)
                    else { throw SyntaxError("a \\u escape is written \\u{hex digits}", column: escStart) }
                    out.unicodeScalars.append(scalar)
                    i = close + 1
                default:
                    throw SyntaxError("unknown escape '\\\(e)' in a string", column: i - 2)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw SyntaxError("the string opened here is never closed (add \(quote))", column: start)
    }
}
