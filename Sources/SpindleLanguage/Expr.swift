import SpindleValue

/// An expression of the shell language, with the column it starts at.
public indirect enum Expr: Equatable, Sendable {
    case literal(Value, column: Int)
    case variable(String, column: Int)
    case array([Expr], column: Int)
    case object([(String, Expr)], column: Int)
    case member(Expr, String, column: Int)
    case index(Expr, Expr, column: Int)
    case slice(Expr, Expr?, Expr?, column: Int)
    case call(String, [Expr], column: Int)
    case unary(String, Expr, column: Int)
    case binary(String, Expr, Expr, column: Int)
    /// `name -> body`: a function of one value, only as an argument of the
    /// functions that take one (`map`, `filter`, `sortby`, `argmin`, `argmax`).
    case lambda(String, Expr, column: Int)

    /// Whether a call is part of it (evaluating it again could be costly).
    public var containsCall: Bool {
        switch self {
        case .literal, .variable: return false
        case .call, .lambda: return true
        case .array(let xs, _): return xs.contains { $0.containsCall }
        case .object(let ms, _): return ms.contains { $0.1.containsCall }
        case .member(let b, _, _): return b.containsCall
        case .index(let b, let i, _): return b.containsCall || i.containsCall
        case .slice(let b, let l, let h, _): return b.containsCall || (l?.containsCall ?? false) || (h?.containsCall ?? false)
        case .unary(_, let x, _): return x.containsCall
        case .binary(_, let l, let r, _): return l.containsCall || r.containsCall
        }
    }

    /// Where the expression starts in its line.
    public var column: Int {
        switch self {
        case .literal(_, let c), .variable(_, let c), .array(_, let c), .object(_, let c), .member(_, _, let c),
             .index(_, _, let c), .slice(_, _, _, let c), .call(_, _, let c), .unary(_, _, let c), .binary(_, _, _, let c), .lambda(_, _, let c):
            return c
        }
    }

    public static func == (a: Expr, b: Expr) -> Bool {
        switch (a, b) {
        case (.literal(let x, let c1), .literal(let y, let c2)): return x == y && c1 == c2
        case (.variable(let x, let c1), .variable(let y, let c2)): return x == y && c1 == c2
        case (.array(let x, let c1), .array(let y, let c2)): return x == y && c1 == c2
        case (.object(let x, let c1), .object(let y, let c2)):
            return c1 == c2 && x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.member(let x, let n, let c1), .member(let y, let m, let c2)): return x == y && n == m && c1 == c2
        case (.index(let x, let i, let c1), .index(let y, let j, let c2)): return x == y && i == j && c1 == c2
        case (.slice(let x, let a1, let b1, let c1), .slice(let y, let a2, let b2, let c2)):
            return x == y && a1 == a2 && b1 == b2 && c1 == c2
        case (.call(let f, let x, let c1), .call(let g, let y, let c2)): return f == g && x == y && c1 == c2
        case (.unary(let o, let x, let c1), .unary(let p, let y, let c2)): return o == p && x == y && c1 == c2
        case (.binary(let o, let x1, let x2, let c1), .binary(let p, let y1, let y2, let c2)):
            return o == p && x1 == y1 && x2 == y2 && c1 == c2
        case (.lambda(let n, let x, let c1), .lambda(let m, let y, let c2)): return n == m && x == y && c1 == c2
        default: return false
        }
    }
}

/// One step of a path into a value, for assignment: `.key` or `[index]`.
public enum PathStep: Equatable, Sendable {
    case member(String, column: Int)
    case index(Expr, column: Int)
}

/// A line of the language: an assignment or an expression to evaluate.
public enum Statement: Equatable, Sendable {
    /// `name.path[…] = value`
    case assign(name: String, path: [PathStep], value: Expr, column: Int)
    case expression(Expr)
}
