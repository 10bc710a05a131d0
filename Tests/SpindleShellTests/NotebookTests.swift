import Foundation
import Testing
@testable import SpindleShell
import SpindleFlow
import SpindleStore
import SpindleValue

@Suite("The shell as a notebook: numbered results, introspection, timing")
struct NotebookTests {
    @Test("each expression's result is kept by its line number, _ is the last, history marks them")
    func numberedResults() async throws {
        let s = try await shellSession()
        _ = s.run("focus total")
        #expect(s.run("inputs.score").text == "[Double] [6.0, 14.0, 10.0]\n")   // line 2
        #expect(s.run("x = 5").ok)                                              // line 3: no result
        #expect(s.run("max(_2)").text == "14.0\n")                              // line 4
        #expect(s.run("_ + 1").text == "15.0\n")
        #expect(s.run("_4 * 2").text == "28.0\n")
        let h = s.run("history").text
        #expect(h.contains("   2  _2    inputs.score\n"), "\(h)")
        #expect(h.contains("   3        x = 5\n"), "\(h)")
        #expect(s.run("_3").text == "  _3\n  ^ line 3 (x = 5) gave no result; history shows which lines did (_N)\n")
        #expect(s.run("_42").text.contains("no result _42: this session has 9 lines so far"))
        #expect(s.run("_ = 3").ok == false)
    }

    @Test("results stay in bounds: the oldest are dropped and say so")
    func bounded() {
        var r = ShellResults()
        for line in 1...(ShellResults.limit + 5) { r.keep(.int(Int64(line)), line: line) }
        #expect(r.byLine.count == ShellResults.limit)
        #expect(r.dropped == Set(1...5))
        #expect(r.value(line: 6) == .int(6))
        var big = ShellResults()
        let huge = Value.numeric(NumericArray([Double](repeating: 1, count: 80_000_000)))  // 640 MB
        big.keep(huge, line: 1)
        big.keep(huge, line: 2)  // 1.28 GB together: the first goes
        #expect(big.dropped == [1])
        #expect(big.last == huge)
    }

    @Test("?name tells a parameter's declaration, an artifact's hash and maker, and works on every kind of value")
    func introspection() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 1")
        let p = s.run("?scale")
        #expect(p.ok)
        #expect(p.text.hasPrefix("scale  parameter of ShellFlow\n  type       Double\n  declared   Parameter(\"scale\", default: 2.0)\n"), "\(p.text)")
        let w = s.run("info weights")
        #expect(w.text.contains("weights  input of score, an artifact of ShellFlow/1/start/1"), "\(w.text)")
        #expect(w.text.contains("  type       [Double], shape [1000]\n"), "\(w.text)")
        #expect(w.text.contains("  in memory  about 8.0 KB\n"), "\(w.text)")
        #expect(w.text.contains("  made by    ShellFlow/1/start/1, finished "), "\(w.text)")
        let hash = try s.store.artifacts(of: Pathspec(parsing: "ShellFlow/1/start/1")).first { $0.name == "weights" }!.hash
        #expect(w.text.contains("sha256 \(hash.prefix(16))…"))
        #expect(w.text.contains("  changed    no\n"))
        _ = s.run("weights = weights[0:10]")
        #expect(s.run("?weights").text.contains("  changed    yes, in this session (spin passes the new value)"))
        // Every kind of value, and expressions: an answer, never a crash.
        for line in ["?input", "?config", "?label", "?groups", "? weights[0:3]", "?1 + 2", "?\"text\"", "?null", "?[1, \"a\"]",
                     "?{a: 1}", "?nan", "info config.tags"] {
            let r = s.run(line)
            #expect(r.ok, "\(line): \(r.text)")
            #expect(r.text.contains("  type "), "\(line): \(r.text)")
        }
        #expect(s.run("?_").text.contains("no result yet: _ is the value of the last expression"))
        _ = s.run("len(weights)")
        #expect(s.run("?_").text.hasPrefix("_  the last result\n  type       Int\n"))
        #expect(s.run("?config").text.contains("  type       Object, 3 members: name, depth, tags\n"))
        #expect(s.run("?").text == "error: info about what? ?NAME or info EXPRESSION (??STEP shows a step's code)\n")
        #expect(s.run("?nope").text.contains("no variable 'nope'"))
        _ = s.run("focus total")
        #expect(s.run("?inputs").text.hasPrefix("inputs  join inputs of total: one object per parent (ShellFlow/1/score/2, ShellFlow/1/score/3, ShellFlow/1/score/4)\n"))
    }

    @Test("??step shows the step's code from its file with line numbers")
    func source() async throws {
        let s = try await shellSession()
        let r = s.run("??score")
        #expect(r.ok, "\(r.text)")
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("score  "), "\(r.text)")
        #expect(lines[0].hasSuffix("ShellTestSupport.swift:17"), "\(r.text)")
        #expect(lines[1] == "17      Step(\"score\", next: .to(\"total\")) { task in")
        #expect(lines.last == "20      }")
        #expect(lines.count == 5)
        _ = s.run("focus total")
        #expect(s.run("source").text.contains("Join(\"total\""))
        #expect(s.run("??nope").text == "error: ShellFlow has no step 'nope'\n")
    }

    @Test("failed says when no task failed; time prints wall and CPU time and keeps the result")
    func failedAndTime() async throws {
        let s = try await shellSession()
        #expect(s.run("failed").text == "no task of ShellFlow/1 failed\n")
        _ = s.run("focus score 0")
        let t = s.run("time sum(weights)")
        #expect(t.ok)
        let lines = t.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "49950.0")
        #expect(lines[1].wholeMatch(of: /wall [0-9.]+ (µs|ms|s) · cpu [0-9.]+ (µs|ms|s)/) != nil, "\(t.text)")
        #expect(s.run("_3").text == "49950.0\n")
        #expect(s.run("history 1").text == "   4  _4    _3\n" || s.run("history").text.contains("   3  _3    time sum(weights)\n"))
        #expect(s.run("time").text == "error: time what? time EXPRESSION, or time spin\n")
        #expect(s.run("time nope").ok == false)
    }
}
