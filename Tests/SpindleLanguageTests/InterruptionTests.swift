import Foundation
import Synchronization
import Testing
import SpindleLanguage
import SpindleValue

/// A flag another thread sets, as the shell's SIGINT handler does.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

@Suite("Interrupting an evaluation")
struct InterruptionTests {
    static let big = Variables([
        "big": .numeric(NumericArray([Double](repeating: 1.5, count: 4_000_000))),
        "ints": .numeric(NumericArray([Int64](repeating: 3, count: 4_000_000))),
        "mask": .numeric(NumericArray([Bool](repeating: true, count: 4_000_000))),
    ])

    @Test("an interruption already requested stops any evaluation with the interruption error", arguments: [
        "1 + 1", "range(100000000)", "big * 2", "ints + ints", "-big", "!mask", "mask && mask", "sqrt(big)",
        "sum(ints)", "sum(big)", "zeros(100000000)", "isnan(big)", "clip(big, 0, 1)",
    ])
    func requested(line: String) throws {
        let e = try Parser.expression(line)
        let error = #expect(throws: EvalError.self) {
            try Evaluator(environment: Self.big, interruption: Interruption { true }).evaluate(e)
        }
        #expect(error?.isInterruption == true)
        #expect(error?.message == "interrupted")
        // Without the interruption the same line evaluates.
        if !line.contains("100000000") { #expect(throws: Never.self) { try Evaluator(environment: Self.big).evaluate(e) } }
    }

    @Test("an interruption requested by another thread stops a loop inside a function, checked once a stride")
    func inLoops() throws {
        // The loop asks many times; the interruption comes on its third question, as Ctrl-C would mid-loop.
        let asked = Atomic<Int>(0)
        let interruption = Interruption { asked.add(1, ordering: .relaxed).newValue > 3 }
        let error = #expect(throws: EvalError.self) {
            try Evaluator(environment: Self.big, interruption: interruption).evaluate(try Parser.expression("range(100000000)"))
        }
        #expect(error?.isInterruption == true)
        // Stopped after a few strides: it neither finished (about 1 500 checks) nor ignored the request.
        #expect(asked.load(ordering: .relaxed) == 4)
    }

    @Test("Ctrl-C from another thread during range(100000000) stops it, and the assignment never happens")
    func fromAnotherThread() throws {
        let flag = Flag()
        let statement = try Parser.statement("z = range(100000000) * 2 + 1")
        guard case .assign(let name, let path, let expr, _) = statement else { Issue.record("not an assignment"); return }
        var variables = Variables()
        // Another thread presses Ctrl-C once the evaluation is under way (its first check), however loaded the
        // machine is: a fixed delay could come after a fast evaluation had already finished.
        let underWay = DispatchSemaphore(value: 0)
        let asked = Atomic<Int>(0)
        Thread.detachNewThread {
            underWay.wait()
            flag.set()
        }
        let started = Date()
        let evaluator = Evaluator(environment: variables, interruption: Interruption {
            if asked.add(1, ordering: .relaxed).newValue == 2 { underWay.signal() }
            return flag.isSet
        })
        do {
            // What the shell does: evaluate, then assign only what evaluated.
            let value = try evaluator.evaluate(expr)
            variables.values[name] = try evaluator.assign(into: nil, path: path, value: value, name: name)
            Issue.record("the evaluation was not interrupted")
        } catch {
            #expect(error.isInterruption)
        }
        #expect(Date().timeIntervalSince(started) < 10)
        // (Not `values["z"] == nil`: were it set, printing 100 million elements to report it would take the memory of the machine.)
        #expect(!variables.values.keys.contains("z"))
    }

    @Test("an evaluation that is not interrupted gives the same values as before")
    func sameValues() throws {
        let never = Evaluator(environment: Self.big, interruption: Interruption { false })
        #expect(try never.evaluate(try Parser.expression("range(3, 7)")) == .numeric(NumericArray([3, 4, 5, 6] as [Int64])))
        #expect(try never.evaluate(try Parser.expression("len(range(200000))")) == .int(200_000))
        #expect(try never.evaluate(try Parser.expression("range(200000)[199999]")) == .int(199_999))
        #expect(try never.evaluate(try Parser.expression("sum(ints)")) == .int(12_000_000))
        #expect(try never.evaluate(try Parser.expression("sum(big)")) == .double(6_000_000))
        #expect(try never.evaluate(try Parser.expression("sum(ones(200001))")) == .double(200_001))
        #expect(try never.evaluate(try Parser.expression("count(mask && mask)")) == .int(4_000_000))
        #expect(try never.evaluate(try Parser.expression("(ints * 2)[3999999]")) == .int(6))
        #expect(try never.evaluate(try Parser.expression("sum([9223372036854775807, 1])")) == .double(9_223_372_036_854_775_808))
    }
}
