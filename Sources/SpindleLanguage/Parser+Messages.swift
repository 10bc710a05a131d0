import SpindleValue

/// The parser's error messages, each with the column it points at.
extension Parser {
    static func unclosed(_ close: String, _ what: String, _ open: Token, found: Token) -> SyntaxError {
        SyntaxError("expected '\(close)' to close the \(what) opened at column \(open.column + 1), found \(found.described)", column: found.column)
    }
    static func unclosedCall(_ name: String, _ open: Token, found: Token) -> SyntaxError {
        unclosed(")", "call of \(name)", open, found: found)
    }
    static func expectedValue(found t: Token) -> SyntaxError {
        if case .end = t.kind { return SyntaxError("expected a value, found end of line", column: t.column) }
        return SyntaxError("expected a value, a name or '(', found \(t.described)", column: t.column)
    }
    static func expectedMember(found t: Token) -> SyntaxError {
        SyntaxError("expected a member name after '.', found \(t.described)", column: t.column)
    }
    static func expectedIndex(at column: Int) -> SyntaxError {
        SyntaxError("expected an index or a slice inside '[]'", column: column)
    }
}
