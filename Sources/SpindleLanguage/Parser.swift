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
/// postfix    := primary ( '.' name | '[' index ']' | '[' '*' ']' )*
/// index      := expr | expr? ':' expr?
/// primary    := number | string | true | false | null | nan | inf
///             | name | name '(' args ')' | '[' list ']' | '{' members '}' | '(' expr ')'
/// args       := ( arg ( ',' arg )* )?
/// arg        := name '->' expr | expr
/// ```
///
/// `[*]` names every element (`inputs[*].rmse`); it reads as the array
/// itself, since a member of an array is already that member of each element.
///
/// The binary operators are read by precedence climbing (``operators(_:)``),
/// which reads the same language with fewer nested calls a parenthesis.
public struct Parser {
    let tokens: [Token]
    var i = 0
    /// How many parse functions that can nest (`expression`, `!`, `-`) are active: the parser's own stack.
    var depth = 0

    /// How deeply an expression may nest, counted as the height of its tree:
    /// each operator, member, index, call, array or object is a level over its
    /// parts, so `a + b + c` is as deep as `f(g(x))` and `[[x]]`; a
    /// parenthesis, `!` and `-` are levels of the parser's own. Every walk
    /// over an expression (parsing, evaluating, comparing, freeing it)
    /// recurses once a level: bounded here, none can overflow a stack, even a
    /// secondary thread's 512 KiB in a debug build (`DepthTests` checks that
    /// on such a thread).
    public static let maxDepth = 64

    /// The longest line, in characters, that the parser reads. A million
    /// characters of `1 + 1 + …` is an error at the 65th term, not a crash.
    public static let maxLineLength = 1 << 20

    /// A parsed expression and its height (see ``maxDepth``).
    struct Node {
        let expr: Expr
        let height: Int
    }

    public init(tokens: [Token]) { self.tokens = tokens }

    /// The statement `line` writes.
    public static func statement(_ line: String) throws(SyntaxError) -> Statement {
        var p = Parser(tokens: try tokenize(line))
        let s = try p.statement()
        try p.expectEnd()
        return s
    }

    /// The expression `text` writes.
    public static func expression(_ text: String) throws(SyntaxError) -> Expr {
        var p = Parser(tokens: try tokenize(text))
        let e = try p.expression()
        try p.expectEnd()
        return e
    }

    /// The tokens of `line`, refused when the line is longer than ``maxLineLength``.
    public static func tokenize(_ line: String) throws(SyntaxError) -> [Token] {
        try checkLength(line)
        return try Lexer.tokens(line)
    }

    /// Throws when `line` is longer than ``maxLineLength`` characters.
    public static func checkLength(_ line: String) throws(SyntaxError) {
        // The UTF-8 count is quick and bounds the characters from above.
        guard line.utf8.count > maxLineLength else { return }
        let count = line.count
        guard count > maxLineLength else { return }
        throw SyntaxError("the line is \(NumberFormatting.count(count)) characters long; the most a line can have is \(NumberFormatting.count(maxLineLength))",
                          column: maxLineLength)
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

    static func tooDeep(at column: Int) -> SyntaxError {
        SyntaxError("expression nested too deeply (more than \(maxDepth) levels)", column: column)
    }

    /// `expr`, one level over parts as high as `over`, written at `column`; an error when that is too deep.
    func node(_ expr: Expr, over parts: Int, at column: Int) throws(SyntaxError) -> Node {
        guard parts < Parser.maxDepth else { throw Parser.tooDeep(at: column) }
        return Node(expr: expr, height: parts + 1)
    }

    /// Enters a parse function that may nest, at `column`; an error when the parser is too deep.
    mutating func enter(at column: Int) throws(SyntaxError) {
        depth += 1
        guard depth <= Parser.maxDepth else { depth -= 1; throw Parser.tooDeep(at: column) }
    }

    mutating func statement() throws(SyntaxError) -> Statement {
        // An assignment starts with a name and a path, then '='.
        if case .identifier(let name) = peek.kind {
            let save = i
            let column = peek.column
            _ = advance()
            var path: [PathStep] = []
            var ok = true
            // A path is as deep as the same chain read as an expression; a longer one is left to the expression parse to report.
            while ok, path.count < Parser.maxDepth - 1 {
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
        try expressionNode().expr
    }

    // The functions from here on call each other once for each level of nesting, so each keeps a small
    // frame (an unoptimised build gives every local and every message's temporaries a slot of its own):
    // messages are made by the static functions at the end, and the larger parts are functions of their own.

    mutating func expressionNode() throws(SyntaxError) -> Node {
        try enter(at: peek.column)
        defer { depth -= 1 }
        return try operators(0)
    }

    /// How tightly each binary operator binds (precedence climbing): `||` loosest, then `&&`, the
    /// comparisons, `+ -`, and `* / %`. `!` binds between `&&` and the comparisons, `-` tighter than all.
    static func precedence(_ t: Token) -> Int? {
        guard case .symbol(let op) = t.kind else { return nil }
        switch op {
        case "||": return 0
        case "&&": return 1
        case "==", "!=", "<=", ">=", "<", ">": return comparison
        case "+", "-": return 3
        case "*", "/", "%": return 4
        default: return nil
        }
    }
    static let comparison = 2

    /// A chain of operators that bind at least as tightly as `minimum`. Each operator's right side is
    /// parsed one level tighter, so chains of equals are built in this loop, each operator a level over the last.
    mutating func operators(_ minimum: Int) throws(SyntaxError) -> Node {
        var e: Node
        // How loosely what `e` is now was joined: a comparison may only compare an operand tighter than one,
        // so `a < b < c` and `!a < b < c` are mistakes, reported where the second comparison starts.
        var loosest = Int.max
        if isSymbol("!") {
            // `!` takes a comparison; where only something tighter may stand (`a + !b`), it is no value.
            guard minimum <= Parser.comparison else { throw Parser.expectedValue(found: peek) }
            e = try negation()
            loosest = Parser.comparison
        } else {
            e = try negative()
        }
        while let p = Parser.precedence(peek), p >= minimum, p != Parser.comparison || loosest > Parser.comparison {
            let t = advance()
            let r = try operators(p + 1)
            e = try binary(t, e, r)
            loosest = p
        }
        return e
    }

    /// `left op right` as a node one level over both.
    func binary(_ op: Token, _ l: Node, _ r: Node) throws(SyntaxError) -> Node {
        try node(.binary(op.text, l.expr, r.expr, column: op.column), over: max(l.height, r.height), at: op.column)
    }

    /// `!x`
    mutating func negation() throws(SyntaxError) -> Node {
        let t = advance()
        try enter(at: t.column)
        defer { depth -= 1 }
        let inner = try operators(Parser.comparison)
        return try node(.unary("!", inner.expr, column: t.column), over: inner.height, at: t.column)
    }

    /// `-x`, or a postfix expression.
    mutating func negative() throws(SyntaxError) -> Node {
        guard isSymbol("-") else { return try postfix() }
        let t = advance()
        try enter(at: t.column)
        defer { depth -= 1 }
        let inner = try negative()
        return try negated(inner, at: t.column)
    }

    /// A negative number literal, or `-` over `inner`.
    func negated(_ inner: Node, at column: Int) throws(SyntaxError) -> Node {
        if case .literal(.int(let n), _) = inner.expr { return Node(expr: .literal(.int(-n), column: column), height: 1) }
        if case .literal(.double(let d), _) = inner.expr { return Node(expr: .literal(.double(-d), column: column), height: 1) }
        return try node(.unary("-", inner.expr, column: column), over: inner.height, at: column)
    }

    /// A primary expression, then members, indices and slices.
    mutating func postfix() throws(SyntaxError) -> Node {
        var e = try primary()
        while true {
            if isSymbol(".") {
                e = try member(of: e)
            } else if isSymbol("[") {
                e = try indexOrSlice(of: e)
            } else {
                return e
            }
        }
    }

    /// `.name` after `base`.
    mutating func member(of base: Node) throws(SyntaxError) -> Node {
        let dot = advance()
        guard case .identifier(let m) = peek.kind else { throw Parser.expectedMember(found: peek) }
        _ = advance()
        return try node(.member(base.expr, m, column: dot.column), over: base.height, at: dot.column)
    }

    /// `[index]`, `[lo:hi]`, `[lo:]`, `[:hi]` or `[:]` after `base`.
    mutating func indexOrSlice(of base: Node) throws(SyntaxError) -> Node {
        let open = advance()
        // Checked before the index is parsed, so that a chain too deep is reported at its bracket.
        guard base.height < Parser.maxDepth else { throw Parser.tooDeep(at: open.column) }
        if isSymbol("*"), isSymbol("]", peekNext) {
            _ = advance(); _ = advance()
            return base
        }
        var lo: Node?
        if !isSymbol(":") {
            if isSymbol("]") { throw Parser.expectedIndex(at: peek.column) }
            lo = try expressionNode()
            if !isSymbol(":") {
                try expectClosing("]", "index", open)
                return try node(.index(base.expr, lo!.expr, column: open.column), over: max(base.height, lo!.height), at: open.column)
            }
        }
        _ = advance()  // ':'
        let hi: Node? = isSymbol("]") ? nil : try expressionNode()
        try expectClosing("]", "slice", open)
        return try node(.slice(base.expr, lo?.expr, hi?.expr, column: open.column),
                        over: max(base.height, lo?.height ?? 0, hi?.height ?? 0), at: open.column)
    }

    mutating func primary() throws(SyntaxError) -> Node {
        if isSymbol("(") { return try parenthesized() }
        if isSymbol("[") { return try array(advance()) }
        if isSymbol("{") { return try object(advance()) }
        return try single(advance())
    }

    /// `( expression )`
    mutating func parenthesized() throws(SyntaxError) -> Node {
        let open = advance()
        let e = try expressionNode()
        try expectClosing(")", "parenthesis", open)
        return e
    }

    /// A literal, a constant, a variable or a call, starting with `t`.
    mutating func single(_ t: Token) throws(SyntaxError) -> Node {
        switch t.kind {
        case .integer(let n): return Node(expr: .literal(.int(n), column: t.column), height: 1)
        case .double(let d): return Node(expr: .literal(.double(d), column: t.column), height: 1)
        case .string(let s): return Node(expr: .literal(.string(s), column: t.column), height: 1)
        case .identifier: return try name(t)
        default: throw Parser.expectedValue(found: t)
        }
    }

    /// A constant, a variable, or a call.
    mutating func name(_ t: Token) throws(SyntaxError) -> Node {
        guard case .identifier(let name) = t.kind else { throw Parser.expectedValue(found: t) }
        if let constant = Parser.constants[name] { return Node(expr: .literal(constant, column: t.column), height: 1) }
        guard isSymbol("(") else { return Node(expr: .variable(name, column: t.column), height: 1) }
        let open = advance()
        var args: [Expr] = []
        var height = 0
        if !isSymbol(")") {
            while true {
                let a = try argument()
                args.append(a.expr)
                height = max(height, a.height)
                guard isSymbol(",") else { break }
                _ = advance()
            }
        }
        guard isSymbol(")") else { throw Parser.unclosedCall(name, open, found: peek) }
        _ = advance()
        return try node(.call(name, args, column: t.column), over: height, at: t.column)
    }

    /// A call's argument: an expression, or a function of one value `name -> body`.
    mutating func argument() throws(SyntaxError) -> Node {
        guard case .identifier(let name) = peek.kind, isSymbol("->", peekNext) else { return try expressionNode() }
        let t = advance()
        _ = advance()  // '->'
        if Parser.constants[name] != nil { throw SyntaxError("'\(name)' is a constant; name the value another way", column: t.column) }
        let body = try expressionNode()
        return try node(.lambda(name, body.expr, column: t.column), over: body.height, at: t.column)
    }

    /// The `close` of what `open` opened, or an error naming it.
    mutating func expectClosing(_ close: String, _ what: String, _ open: Token) throws(SyntaxError) {
        guard isSymbol(close) else { throw Parser.unclosed(close, what, open, found: peek) }
        _ = advance()
    }
}
