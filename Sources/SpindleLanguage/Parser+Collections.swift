import SpindleValue

/// Constants, arrays `[a, b]` and objects `{key: value}`.
extension Parser {
    static let constants: [String: Value] = ["true": .bool(true), "false": .bool(false), "null": .null, "nan": .double(.nan), "inf": .double(.infinity)]

    /// `[a, b, …]`, its `[` being `t`.
    mutating func array(_ t: Token) throws(SyntaxError) -> Node {
        var items: [Expr] = []
        var height = 0
        if isSymbol("]") { _ = advance(); return Node(expr: .array([], column: t.column), height: 1) }
        while true {
            let item = try expressionNode()
            items.append(item.expr)
            height = max(height, item.height)
            guard isSymbol(",") else { break }
            _ = advance()
            if isSymbol("]") { break }
        }
        try expectClosing("]", "array", t)
        return try node(.array(items, column: t.column), over: height, at: t.column)
    }

    /// `{key: value, …}`, its `{` being `t`.
    mutating func object(_ t: Token) throws(SyntaxError) -> Node {
        var members: [(String, Expr)] = []
        var height = 0
        if isSymbol("}") { _ = advance(); return Node(expr: .object([], column: t.column), height: 1) }
        while true {
            let key = try self.key()
            let value = try expressionNode()
            members.append((key, value.expr))
            height = max(height, value.height)
            guard isSymbol(",") else { break }
            _ = advance()
            if isSymbol("}") { break }
        }
        try expectClosing("}", "object", t)
        return try node(.object(members, column: t.column), over: height, at: t.column)
    }

    /// An object's key and its ':'.
    mutating func key() throws(SyntaxError) -> String {
        let key = try advance().objectKey()
        try expect(":", "after the key '\(key)'")
        return key
    }
}
