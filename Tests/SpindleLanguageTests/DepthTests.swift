import Foundation
import Synchronization
import Testing
import SpindleLanguage
import SpindleValue
import OrderedCollections

/// Runs `body` on a thread with a 512 KiB stack, the size of a secondary
/// thread's (Dispatch, Swift Concurrency), and returns what it returned. A
/// stack overflow there crashes the test process, so it fails.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let value = body()
        result.withLock { $0 = value }
        done.signal()
    }
    thread.stackSize = 512 * 1024
    thread.start()
    done.wait()
    return result.withLock { $0! }
}

/// The error parsing `line` as a statement gives, if any.
func parseError(_ line: String) -> SyntaxError? {
    do throws(SyntaxError) { _ = try Parser.statement(line); return nil } catch { return error }
}

/// One of the chains issue 15 names: a line of `terms` terms, and how the
/// operator that joins them reads.
struct Chain: Sendable, CustomTestStringConvertible {
    let name: String
    let first: String
    let next: String
    /// What the operator starts with, to find its column.
    let op: String
    /// The value of a chain of `terms` terms, when it is short enough to evaluate.
    let value: @Sendable (_ terms: Int) -> Value

    var testDescription: String { name }

    /// The line: `first` then `terms - 1` times `next`.
    func line(terms: Int) -> String { first + String(repeating: next, count: terms - 1) }

    /// The line of as many terms as fit in `characters` characters.
    func line(characters: Int) -> String { line(terms: 1 + (characters - first.count) / next.count) }

    /// The column of the `n`-th operator (from 1) in `line`.
    func column(ofOperator n: Int, in line: String) -> Int {
        // Every operator is at the same place in each repeated `next`.
        let offset = next.range(of: op)!.lowerBound.utf16Offset(in: next)
        return first.count + (n - 1) * next.count + offset
    }

    static let all: [Chain] = [
        Chain(name: "1 + 1 + …", first: "1", next: " + 1", op: "+") { .int(Int64($0)) },
        Chain(name: "2 * 1 * …", first: "2", next: " * 1", op: "*") { _ in .int(2) },
        Chain(name: "true && true && …", first: "true", next: " && true", op: "&&") { _ in .bool(true) },
        Chain(name: "\"a\" + \"a\" + …", first: "\"a\"", next: " + \"a\"", op: "+") { .string(String(repeating: "a", count: $0)) },
        Chain(name: "x.a.a.a …", first: "x", next: ".a", op: ".") { _ in .int(7) },
        Chain(name: "x[0][0][0] …", first: "x", next: "[0]", op: "[") { _ in .int(7) },
    ]
}

/// `x` for the member and index chains: `{a: {a: … 7}}` and `[[… 7]]`, as deep as the deepest chain allowed.
func chainVariables(_ chain: Chain, depth: Int) -> Variables {
    var v = Value.int(7)
    for _ in 0..<depth { v = chain.op == "." ? .object(["a": v]) : .array([v]) }
    return Variables(["x": v])
}

@Suite("Expressions nested deeply: an error with its column, never a crash")
struct DepthTests {
    static let tooDeep = "expression nested too deeply (more than \(Parser.maxDepth) levels)"

    @Test("a chain of 50 000 terms and one as long as a line can be are errors at the operator that nests too deep",
          arguments: Chain.all)
    func longChains(chain: Chain) {
        for line in [chain.line(terms: 50_000), chain.line(characters: Parser.maxLineLength)] {
            let outcome = onSmallStack { parseError(line) }
            // The root is a level, so the tree holds at most maxDepth - 1 operators: the next one is refused.
            #expect(outcome?.message == Self.tooDeep)
            #expect(outcome?.column == chain.column(ofOperator: Parser.maxDepth, in: line), "\(chain.name)")
            // The caret is drawn under that column, in a window of the line.
            let drawn = outcome?.pointing(at: line) ?? ""
            #expect(drawn.count < 400)
            #expect(drawn.hasSuffix("^ " + Self.tooDeep))
        }
        // Assigning it is refused the same way.
        let assignment = onSmallStack { parseError("y = " + chain.line(terms: 50_000)) }
        #expect(assignment?.message == Self.tooDeep)
    }

    @Test("the deepest chain allowed parses, evaluates, compares, prints and is freed on a 512 KiB stack", arguments: Chain.all)
    func deepestChainAllowed(chain: Chain) {
        let terms = Parser.maxDepth   // maxDepth - 1 operators: a tree exactly maxDepth levels high
        let env = chainVariables(chain, depth: terms - 1)
        let (value, same, rendered) = onSmallStack { () -> (Value?, Bool, String) in
            guard let e = try? Parser.expression(chain.line(terms: terms)) else { return (nil, false, "") }
            let again = try? Parser.expression(chain.line(terms: terms))
            let v = try? Evaluator(environment: env).evaluate(e)
            return (v, e == again, v?.rendered(width: 80, lines: 5) ?? "")
        }
        #expect(value == chain.value(terms))
        #expect(same)
        #expect(!rendered.isEmpty)
        // One term more is one level too many.
        #expect(throws: SyntaxError(Self.tooDeep, column: chain.column(ofOperator: terms, in: chain.line(terms: terms + 1)))) {
            try Parser.expression(chain.line(terms: terms + 1))
        }
    }

    @Test("nesting that opens before its value is bounded the same way, and the deepest allowed evaluates on a 512 KiB stack",
          arguments: [
              ("(", "1", ")", Value.int(1)), ("-(", "1", ")", nil), ("!", "true", "", nil),
              ("abs(", "1", ")", .double(1)), ("[", "1", "]", nil), ("{a: ", "1", "}", nil), ("[1, ", "1", "]", nil),
              ("1 + (", "1", ")", nil), ("x[", "0", "]", nil), ("x[:", "1", "]", nil), ("-", "x", "", nil),
          ] as [(String, String, String, Value?)])
    func prefixNesting(open: String, inner: String, close: String, expected: Value?) {
        let env = Variables(["x": .numeric(NumericArray([0, 1] as [Int64]))])
        func line(_ n: Int) -> String { String(repeating: open, count: n) + inner + String(repeating: close, count: n) }
        // Find the deepest nesting that parses; it must exist, and evaluate and free without overflowing.
        let deepest = (1...Parser.maxDepth).last { (try? Parser.expression(line($0))) != nil }
        #expect(deepest != nil && deepest! >= Parser.maxDepth / 2 - 1, "\(open)")
        guard let deepest else { return }
        let text = line(deepest)
        let outcome = onSmallStack { () -> String in
            guard let e = try? Parser.expression(text) else { return "no parse" }
            do {
                let v = try Evaluator(environment: env).evaluate(e)
                return v.rendered(width: 80, lines: 3) + (e == (try? Parser.expression(text)) ? "" : " unequal")
            } catch let error as EvalError { return error.message } catch { return "\(error)" }
        }
        #expect(!outcome.contains("unequal") && outcome != "no parse", "\(open): \(outcome)")
        if let expected { #expect(outcome == expected.rendered(width: 80, lines: 3)) }
        // Deeper, and much deeper, is the same error, at the level that is one too many.
        for n in [deepest + 1, 50_000] {
            let text = line(n)
            let error = onSmallStack { parseError(text) }
            #expect(error?.message == Self.tooDeep, "\(open) × \(n)")
            #expect((error?.column ?? 0) > 0 && (error?.column ?? .max) < line(deepest + 1).count, "\(open) × \(n)")
        }
    }

    @Test("a path assigned into is as deep as the same chain read: 63 steps are a path, 64 the nesting error")
    func assignmentPaths() throws {
        for step in [".a", "[0]"] {
            let deepest = try Parser.statement("x" + String(repeating: step, count: Parser.maxDepth - 1) + " = 1")
            guard case .assign(_, let path, _, _) = deepest else { Issue.record("not an assignment: \(deepest)"); continue }
            #expect(path.count == Parser.maxDepth - 1)
            let line = "x" + String(repeating: step, count: Parser.maxDepth) + " = 1"
            #expect(parseError(line)?.message == DepthTests.tooDeep, "\(step)")
            #expect(parseError(line)?.column == 1 + (Parser.maxDepth - 1) * step.count, "\(step)")
        }
        // Assigning into the deepest path works, on a 512 KiB stack.
        var v = Value.int(0)
        for _ in 0..<(Parser.maxDepth - 1) { v = .object(["a": v]) }
        let x = v
        let assigned = onSmallStack { () -> Value? in
            guard case .assign(let name, let path, let e, _)? = try? Parser.statement("x" + String(repeating: ".a", count: Parser.maxDepth - 1) + " = 7")
            else { return nil }
            let evaluator = Evaluator(environment: Variables(["x": x]))
            guard let seven = try? evaluator.evaluate(e) else { return nil }
            return try? evaluator.assign(into: x, path: path, value: seven, name: name)
        }
        #expect(assigned != nil && assigned != x)
    }

    @Test("a long flat line is no trouble: a list as long as a line can be evaluates")
    func longFlatLine() throws {
        let count = (Parser.maxLineLength - 2) / 3
        let line = "[" + Array(repeating: "1", count: count).joined(separator: ", ") + "]"
        #expect(line.count <= Parser.maxLineLength)
        let v = try Evaluator(environment: Variables()).evaluate(try Parser.expression(line))
        #expect(v == .numeric(NumericArray([Int64](repeating: 1, count: count))))
    }

    @Test("a line longer than the limit is refused before it is read")
    func lineLimit() {
        let line = String(repeating: "1+", count: Parser.maxLineLength / 2) + "1"
        #expect(throws: SyntaxError("the line is 1 048 577 characters long; the most a line can have is 1 048 576",
                                    column: Parser.maxLineLength)) {
            try Parser.statement(line)
        }
    }

    @Test("an error in a long line is drawn as a window around its column")
    func caretWindow() {
        let line = String(repeating: "1 + ", count: 100) + "@" + String(repeating: " + 1", count: 100)
        let drawn = SyntaxError("unexpected character '@'", column: 400).pointing(at: line, indent: "  ")
        let rows = drawn.split(separator: "\n").map(String.init)
        #expect(rows.count == 2)
        #expect(rows[0].hasPrefix("  …") && rows[0].hasSuffix("…"))
        // The caret sits under the '@'.
        let caret = rows[1].firstIndex(of: "^").map { rows[1].distance(from: rows[1].startIndex, to: $0) }
        let at = rows[0].firstIndex(of: "@").map { rows[0].distance(from: rows[0].startIndex, to: $0) }
        #expect(caret != nil && caret == at)
        // A short line is shown whole.
        #expect(EvalError("no", column: 2).pointing(at: "a + b") == "a + b\n  ^ no")
    }
}

@Suite("Value literals nested deeply")
struct LiteralDepthTests {
    @Test("the deepest literal allowed parses, prints, compares and is freed on a 512 KiB stack; one deeper is an error")
    func deepestLiteral() {
        let depth = 64
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        let outcome = onSmallStack { () -> String in
            guard let v = try? Literal.parse(text) else { return "no parse" }
            let again = try? Literal.parse(text)
            return v.summary() + (v == again ? "" : " unequal") + String(v.jsonText().count)
        }
        #expect(outcome.hasSuffix(String(text.count)), "\(outcome.prefix(200))")
        #expect(throws: SyntaxError.self) { try Literal.parse("[" + text + "]") }
    }
}

@Suite("Lines that would take exponential time or space")
struct CostTests {
    @Test("json nested as deep as allowed doubles its text each level until the limit, then is an error")
    func nestedJSON() throws {
        let line = String(repeating: "json(", count: Parser.maxDepth - 1) + "'a'" + String(repeating: ")", count: Parser.maxDepth - 1)
        let started = Date()
        let error = #expect(throws: EvalError.self) { try Evaluator(environment: Variables()).evaluate(try Parser.expression(line)) }
        #expect(error?.message.hasPrefix("json is limited to strings of 10 000 000 bytes") == true, "\(error?.message ?? "")")
        #expect(Date().timeIntervalSince(started) < 30)
        // Below the limit it is plain JSON.
        #expect(try Evaluator(environment: Variables()).evaluate(try Parser.expression("json(json('a'))")) == .string(#""\"a\"""#))
    }

    @Test("unique over 100 000 strings is quick, keeps the first of each in order, and answers an interruption otherwise")
    func uniqueStrings() throws {
        let items = (0..<100_000).map { "'\($0 % 75_000)'" }.joined(separator: ",")
        let started = Date()
        let v = try Evaluator(environment: Variables()).evaluate(try Parser.expression("len(unique([" + items + "]))"))
        #expect(v == .int(75_000))
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try Evaluator(environment: Variables()).evaluate(try Parser.expression("unique(['b', 'a', 'b', 'c', 'a'])"))
            == .array(["b", "a", "c"]))
        #expect(try Evaluator(environment: Variables()).evaluate(try Parser.expression("unique([{a: 1}, null, {a: 1}, null])"))
            == .array([["a": 1], .null]))
        let mixed = Value.array((0..<100_000).map { .object(["k": .int(Int64($0))]) })
        let error = #expect(throws: EvalError.self) {
            try Evaluator(environment: Variables(["m": mixed]), interruption: Interruption { true }).evaluate(.call("unique", [.variable("m", column: 7)], column: 0))
        }
        #expect(error?.isInterruption == true)
    }
}
