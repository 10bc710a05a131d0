import SpindleValue

/// Parses a line of the shell language into a ``Statement``.
///
/// ```
/// line       := assignment | expression
/// assignment := name ( '.' name | '[' expr ']' )* '=' expr
/// expr       := or
/// or         := and ( '||' and )*
/// and        := not ( '&&' not )*
/// not        := '!' not | comparison
/// comparison := sum ( ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) sum )?
/// sum        := product ( ( '+' | '-' ) product )*
/// product    := unary ( ( '*' | '/' | '%' ) unary )*
/// unary      := '-' unary | postfix
/// postfix    := primary ( '.' name | '[' index ']' )*
/// index      := expr | expr? ':' expr?
/// primary    := number | string | true | false | null | nan | inf
///             | name | name '(' args ')' | '[' list ']' | '{' members '}' | '(' expr ')'
/// ```
public struct Parser {
    let tokens: [Token]
    var i = 0
    var depth = 0
    /// How deeply expressions may nest: a line of a million '[' is an error, not a stack overflow.
    static let maxDepth = 256

    public init(tokens: [Token]) { self.tokens = tokens }

    /// The statement `line` writes.
    public static func statement(_ line: String) throws(SyntaxError) -> Statement {
        var p = Parser(tokens: try Lexer.tokens(line))
        let s = try p.statement()
        try p.expectEnd()
        return s
    }

    /// The expression `text` writes.
    public static func expression(_ text: String) throws(SyntaxError) -> Expr {
        var p = Parser(tokens: try Lexer.tokens(text))
        let e = try p.expression()
        try p.expectEnd()
        return e
    }

    /// The statement the tokens write, checked to end there.
    public mutating func parsedStatement() throws(SyntaxError) -> Statement {
        let s = try statement()
        try expectEnd()
        return s
    }

    var peek: Token { tokens[i] }
    var peekNext: Token { tokens[min(i + 1, tokens.count - 1)] }
    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }
    func isSymbol(_ s: String, _ t: Token? = nil) -> Bool {
        if case .symbol(let x) = (t ?? peek).kind { return x == s }
        return false
    }
    mutating func expect(_ s: String, _ context: String) throws(SyntaxError) {
        guard isSymbol(s) else { throw SyntaxError("expected '\(s)' \(context), found \(peek.described)", column: peek.column) }
        _ = advance()
    }
    mutating func expectEnd() throws(SyntaxError) {
        guard case .end = peek.kind else {
            if isSymbol("=") { throw SyntaxError("only a name or a path into one (a.b[0]) can be assigned to", column: peek.column) }
            throw SyntaxError("expected an operator or end of line, found \(peek.described)", column: peek.column)
        }
    }

    mutating func statement() throws(SyntaxError) -> Statement {
        // An assignment starts with a name and a path, then '='.
        if case .identifier(let name) = peek.kind {
            let save = i
            let column = peek.column
            _ = advance()
            var path: [PathStep] = []
            var ok = true
            while ok {
                if isSymbol(".") {
                    _ = advance()
                    guard case .identifier(let m) = peek.kind else { ok = false; break }
                    path.append(.member(m, column: peek.column))
                    _ = advance()
                } else if isSymbol("[") {
                    let c = advance().column
                    // Only a scan: a mistake here is reported by the expression parse below.
                    guard let e = try? expression(), isSymbol("]") else { ok = false; break }
                    _ = advance()
                    path.append(.index(e, column: c))
                } else {
                    break
                }
            }
            if ok, isSymbol("="), !isSymbol("==") {
                _ = advance()
                if case .end = peek.kind { throw SyntaxError("expected a value after '='", column: peek.column) }
                return .assign(name: name, path: path, value: try expression(), column: column)
            }
            i = save
        }
        return .expression(try expression())
    }

    public mutating func expression() throws(SyntaxError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else { throw SyntaxError("nested deeper than \(Parser.maxDepth) levels", column: peek.column) }
        return try or()
    }

    mutating func or() throws(SyntaxError) -> Expr {
        var e = try and()
        while isSymbol("||") { let t = advance(); e = .binary("||", e, try and(), column: t.column) }
        return e
    }
    mutating func and() throws(SyntaxError) -> Expr {
        var e = try not()
        while isSymbol("&&") { let t = advance(); e = .binary("&&", e, try not(), column: t.column) }
        return e
    }
    mutating func not() throws(SyntaxError) -> Expr {
        if isSymbol("!") {
            let t = advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Parser.maxDepth else { throw SyntaxError("nested deeper than \(Parser.maxDepth) levels", column: t.column) }
            return .unary("!", try not(), column: t.column)
        }
        return try comparison()
    }
    mutating func comparison() throws(SyntaxError) -> Expr {
        let e = try sum()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where isSymbol(op) {
            let t = advance()
            return .binary(op, e, try sum(), column: t.column)
        }
        return e
    }
    mutating func sum() throws(SyntaxError) -> Expr {
        var e = try product()
        while isSymbol("+") || isSymbol("-") {
            let t = advance()
            e = .binary(t.text, e, try product(), column: t.column)
        }
        return e
    }
    mutating func product() throws(SyntaxError) -> Expr {
        var e = try unary()
        while isSymbol("*") || isSymbol("/") || isSymbol("%") {
            let t = advance()
            e = .binary(t.text, e, try unary(), column: t.column)
        }
        return e
    }
    mutating func unary() throws(SyntaxError) -> Expr {
        if isSymbol("-") {
            let t = advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Parser.maxDepth else { throw SyntaxError("nested deeper than \(Parser.maxDepth) levels", column: t.column) }
            let inner = try unary()
            if case .literal(.int(let n), _) = inner { return .literal(.int(-n), column: t.column) }
            if case .literal(.double(let d), _) = inner { return .literal(.double(-d), column: t.column) }
            return .unary("-", inner, column: t.column)
        }
        return try postfix()
    }
    mutating func postfix() throws(SyntaxError) -> Expr {
        var e = try primary()
        while true {
            if isSymbol(".") {
                let dot = advance()
                guard case .identifier(let m) = peek.kind else {
                    throw SyntaxError("expected a member name after '.', found \(peek.described)", column: peek.column)
                }
                _ = advance()
                e = .member(e, m, column: dot.column)
            } else if isSymbol("[") {
                let open = advance()
                if isSymbol(":") {
                    _ = advance()
                    let hi: Expr? = isSymbol("]") ? nil : try expression()
                    try expect("]", "to close the slice opened at column \(open.column + 1)")
                    e = .slice(e, nil, hi, column: open.column)
                    continue
                }
                if isSymbol("]") { throw SyntaxError("expected an index or a slice inside '[]'", column: peek.column) }
                let idx = try expression()
                if isSymbol(":") {
                    _ = advance()
                    let hi: Expr? = isSymbol("]") ? nil : try expression()
                    try expect("]", "to close the slice opened at column \(open.column + 1)")
                    e = .slice(e, idx, hi, column: open.column)
                } else {
                    try expect("]", "to close the index opened at column \(open.column + 1)")
                    e = .index(e, idx, column: open.column)
                }
            } else {
                return e
            }
        }
    }
    mutating func primary() throws(SyntaxError) -> Expr {
        let t = advance()
        switch t.kind {
        case .integer(let n): return .literal(.int(n), column: t.column)
        case .double(let d): return .literal(.double(d), column: t.column)
        case .string(let s): return .literal(.string(s), column: t.column)
        case .identifier(let name):
            switch name {
            case "true": return .literal(.bool(true), column: t.column)
            case "false": return .literal(.bool(false), column: t.column)
            case "null": return .literal(.null, column: t.column)
            case "nan": return .literal(.double(.nan), column: t.column)
            case "inf": return .literal(.double(.infinity), column: t.column)
            default: break
            }
            if isSymbol("(") {
                let open = advance()
                var args: [Expr] = []
                if !isSymbol(")") {
                    while true {
                        args.append(try expression())
                        if isSymbol(",") { _ = advance(); continue }
                        break
                    }
                }
                try expect(")", "to close the call of \(name) opened at column \(open.column + 1)")
                return .call(name, args, column: t.column)
            }
            return .variable(name, column: t.column)
        case .symbol("["):
            var items: [Expr] = []
            if isSymbol("]") { _ = advance(); return .array([], column: t.column) }
            while true {
                items.append(try expression())
                if isSymbol(",") {
                    _ = advance()
                    if isSymbol("]") { break }
                    continue
                }
                break
            }
            try expect("]", "to close the array opened at column \(t.column + 1)")
            return .array(items, column: t.column)
        case .symbol("{"):
            var members: [(String, Expr)] = []
            if isSymbol("}") { _ = advance(); return .object([], column: t.column) }
            while true {
                let k = advance()
                let key: String
                switch k.kind {
                case .identifier(let n): key = n
                case .string(let s): key = s
                default: throw SyntaxError("expected a key (a name or a string), found \(k.described)", column: k.column)
                }
                try expect(":", "after the key '\(key)'")
                members.append((key, try expression()))
                if isSymbol(",") {
                    _ = advance()
                    if isSymbol("}") { break }
                    continue
                }
                break
            }
            try expect("}", "to close the object opened at column \(t.column + 1)")
            return .object(members, column: t.column)
        case .symbol("("):
            let e = try expression()
            try expect(")", "to close the parenthesis opened at column \(t.column + 1)")
            return e
        case .end:
            throw SyntaxError("expected a value, found end of line", column: t.column)
        default:
            throw SyntaxError("expected a value, a name or '(', found \(t.described)", column: t.column)
        }
    }
}
