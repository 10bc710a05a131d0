import SpindleLanguage
import SpindleValue

/// Variables like those of a focused step: a numeric array, a matrix, a table
/// of records, strings and nested objects.
let variables = Variables([
    "x": .numeric(NumericArray((0..<100).map { Double($0) / 7 })),
    "m": .numeric(try! NumericArray(storage: .float64((0..<12).map(Double.init)), shape: [3, 4])),
    "i": .numeric(NumericArray((0..<20).map { Int64($0 % 7) })),
    "users": .array((0..<5).map { .object(["id": .int(Int64($0)), "name": .string("u\($0)"), "score": .double(Double($0) / 3)]) }),
    "name": .string("ratings"),
    "flag": .bool(true),
    "nothing": .null,
    "cfg": .object(["lr": .double(0.01), "layers": .array([.int(2), .int(3)]), "opt": .object(["name": .string("adam")])]),
])

/// Lexes, parses and evaluates an arbitrary line, the way the shell does. Any
/// outcome but a typed error or a value is a bug. Lines with large numbers are
/// only parsed: `range(99999999)` is allowed to use memory, by design. Long
/// lines (issue 15: chains of 50 000 terms) are evaluated too when they call
/// no function: a long line of calls may ask for memory by design (a list of
/// a thousand `range(10000)`). A parsed line must parse again to an equal
/// statement, and a nesting error must point inside the line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Literal.parse(line)
    guard let tokens = try? Parser.tokenize(line) else { return 0 }
    let large = tokens.filter {
        switch $0.kind {
        case .integer(let i): i.magnitude > 10_000
        case .double(let d): d.magnitude > 10_000
        default: false
        }
    }
    let statement: Statement
    do {
        statement = try Parser.statement(line)
    } catch {
        precondition(error.column >= 0 && error.column <= line.count, "a syntax error outside the line: \(error)")
        _ = error.pointing(at: line)
        return 0
    }
    precondition((try? Parser.statement(line)) == statement, "the same line parsed to another statement")
    let calls = zip(tokens, tokens.dropFirst()).contains {
        if case .identifier = $0.kind, case .symbol("(") = $1.kind { true } else { false }
    }
    guard large.isEmpty, tokens.count < 64 || !calls else { return 0 }
    let evaluator = Evaluator(environment: variables)
    switch statement {
    case .expression(let e):
        do {
            _ = try evaluator.evaluate(e).rendered(width: 100, lines: 10)
        } catch {
            _ = error.pointing(at: line)
        }
    case .assign(let name, let path, let e, _):
        if let value = try? evaluator.evaluate(e) {
            _ = try? evaluator.assign(into: try? variables.lookup(name), path: path, value: value, name: name)
        }
    }
    return 0
}
