/// One token of the shell language, with where it starts in the line.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case integer(Int64)
        case double(Double)
        case string(String)
        case identifier(String)
        /// Punctuation and operators: `[ ] { } ( ) , : . = + - * / % < > <= >= == != ! && || ..`
        case symbol(String)
        case end
    }

    public let kind: Kind
    /// The offset of the token's first character, in characters from the start of the line.
    public let column: Int
    /// The token's source text.
    public let text: String

    /// How the token reads in an error message: `'foo'`, `number 3`, `end of line`.
    public var described: String {
        switch kind {
        case .end: "end of line"
        case .integer, .double: "number \(text)"
        case .string: "string \(text)"
        case .identifier(let n): "'\(n)'"
        case .symbol(let s): "'\(s)'"
        }
    }
}

/// A mistake in a line of the shell language, at a column.
public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Where, in characters from the start of the line.
    public let column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "syntax error at column \(column + 1): \(message)" }

    /// The line with a caret under the column, then the message:
    ///
    /// ```
    /// rate = [1, 2
    ///             ^ expected ']' to close the array opened at column 8, found end of line
    /// ```
    ///
    /// A line longer than ``Caret/longLine`` characters is shown as a window around the column.
    public func pointing(at line: String, indent: String = "") -> String {
        Caret.pointing(at: line, column: column, message: message, indent: indent)
    }
}

/// Draws a line with a caret under a column, for ``SyntaxError`` and ``EvalError``.
enum Caret {
    /// Lines up to this many characters are shown whole.
    static let longLine = 160
    /// How many characters of a longer line are shown before the column (about as many follow).
    static let context = 60

    static func pointing(at line: String, column: Int, message: String, indent: String) -> String {
        let count = line.count
        let caretColumn = min(max(column, 0), count)
        guard count > longLine else {
            return indent + line + "\n" + indent + String(repeating: " ", count: caretColumn) + "^ " + message
        }
        // A window of the line around the column, with an ellipsis where it is cut.
        let start = max(0, min(caretColumn - context, count - 2 * context))
        let end = min(count, start + 2 * context)
        let lo = line.index(line.startIndex, offsetBy: start), hi = line.index(lo, offsetBy: end - start)
        let head = start > 0 ? "…" : ""
        let shown = head + line[lo..<hi] + (end < count ? "…" : "")
        let caret = head.count + caretColumn - start
        return indent + shown + "\n" + indent + String(repeating: " ", count: caret) + "^ " + message
    }
}

extension Token {
    /// The key an object member starts with: a name or a string (both the
    /// expression parser and the literal parser read keys this way).
    func objectKey() throws(SyntaxError) -> String {
        switch kind {
        case .identifier(let n): return n
        case .string(let s): return s
        default: throw SyntaxError("expected a key (a name or a string), found \(described)", column: column)
        }
    }
}

