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
        let kept = big.last == huge  // compared outside #expect, which would print 80 million elements on a failure
        #expect(kept)
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

@Suite("Pictures in the shell")
struct ShellPlotTests {
    @Test("plot, hist, scatter and heatmap draw deterministic text with a legend; off a terminal there is no colour")
    func charts() async throws {
        let s = try await shellSession()
        _ = s.run("focus total")
        let p = s.run("plot(inputs.score, [1, 2, 3])")
        #expect(p.ok, "\(p.text)")
        #expect(p.text.hasSuffix("── inputs.score   ── [1, 2, 3]\n"), "\(p.text)")
        #expect(!p.text.contains("\u{1B}"))
        #expect(s.run("plot(inputs.score, [1, 2, 3])").text == p.text, "the same values draw the same text")
        #expect(p.text.split(separator: "\n").allSatisfy { $0.count <= 100 })
        // An increasing first array is the x axis.
        #expect(s.run("plot([1, 2, 4], inputs.score)").text.contains("── inputs.score against [1, 2, 4]"))
        // A list of arrays is several series, whatever they look like.
        #expect(s.run("plot([[1, 2, 3], [2, 3, 4]])").text.contains("── [[1, 2, 3], [2, 3, 4]][0]"))
        let h = s.run("hist([1, 2, 2, 3, 3, 3], \"counts\")")
        #expect(h.text.split(separator: "\n")[0].trimmingCharacters(in: .whitespaces) == "counts", "\(h.text)")
        #expect(h.text.contains("6 values"), "\(h.text)")
        #expect(s.run("scatter([1, 2, 3], [3, 1, 2])").text.contains("• [3, 1, 2] against [1, 2, 3]"))
        let m = s.run("heatmap(reshape(range(6), [2, 3]))")
        #expect(m.ok && m.text.contains("[Int 2×3]"), "\(m.text)")
        #expect(s.run("heatmap([[1, 2, 3], [4, 5, 6]])").ok)
        // Numbered results skip pictures: _ is still the last value.
        #expect(s.run("len(inputs)").text == "3\n")
        _ = s.run("plot([1, 2])")
        #expect(s.run("_").text == "3\n")
    }

    @Test("charts' mistakes are errors that say what to do", arguments: [
        ("plot()", "error: plot what? plot(y), plot(x, y), plot(a, b, …) or plot([a, b])"),
        ("plot(label)", "plot needs numeric arrays; argument 1 is String"),
        ("plot(config)", "plot needs numeric arrays; argument 1 is Object"),
        ("hist(weights, 0)", "error: bins must be between 1 and 92 for a chart 100 columns wide, found 0"),
        ("hist(weights, 2.5)", "bins must be an integer, found Double"),
        ("heatmap(weights)", "heatmap needs a rank-2 array (rows × columns), found [Double] of shape [1000]"),
        ("heatmap([[1, 2], [3]])", "heatmap needs rows of one length; row 0 has 2, row 1 has 1 (a ragged list)"),
        ("heatmap([[1, 2], \"a\"])", "heatmap's rows must be numeric arrays; row 1 is String"),
        ("scatter(weights)", "error: scatter takes x and y (and a title): scatter(x, y)"),
        ("scatter(weights, [1, 2])", "x has 1 000 elements but y has 2"),
        ("plot([nan, nan])", "nothing to plot"),
        ("x = plot(weights)", "plot draws a chart and gives no value: use it alone on a line, as plot(…)"),
        ("1 + hist(weights)", "hist draws a chart and gives no value"),
    ])
    func mistakes(line: String, message: String) async throws {
        let s = try await shellSession()
        _ = s.run("focus score 0")
        let r = s.run(line)
        #expect(!r.ok, "\(line)")
        #expect(r.text.contains(message), "\(line): \(r.text)")
    }

    @Test("hostile but valid: 10 million points, a million-element map, ? on every kind, ragged heatmaps: answers, no crash, nothing stored")
    func hostile() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 1")
        let store = s.store
        let before = (try store.runs(flow: "ShellFlow", spins: true).count, try store.blobs.allHashes().count)
        #expect(s.run("big = sqrt(range(10000000))").ok)
        for line in ["plot(big)", "hist(big)", "hist(big, 50)", "scatter(big, big)", "plot(big, big * 2)", "describe(big)",
                     "heatmap(reshape(big, [1000, 10000]))", "len(map(range(1000000), x -> x * 2))",
                     "?big", "?config", "?input", "?scale", "?groups", "?1", "vars", "history"] {
            let r = s.run(line)
            #expect(r.ok, "\(line): \(r.text.prefix(300))")
        }
        let picture = s.run("plot(big)").text
        #expect(picture.contains("3.2k ┤") && picture.contains("10M\n"), "the axes reach sqrt(10 million) and 10 million: \(picture)")
        #expect(!s.run("heatmap([[1], [2, 3], []])").ok)
        let after = (try store.runs(flow: "ShellFlow", spins: true).count, try store.blobs.allHashes().count)
        #expect(before == after)
    }

    @Test("vars and describe show a numeric array's shape as a sparkline")
    func sparklines() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 0")
        _ = s.run("weights")
        let v = s.run("vars").text
        #expect(v.contains("weights  input         [Double] 1 000 · min 0 · mean 49.95 · max 99.9  ▁▁▂▂▃▃▄▄▅▅▆▆▇▇██"), "\(v)")
        // A uniform distribution is flat (counts are drawn from zero, so 41 against 42 is no cliff).
        #expect(s.run("describe(weights)").text.hasSuffix("shape  ████████████████████████\n"))
        #expect(s.run("describe([1, 1, 1, 1, 2, 9])").text.hasSuffix("shape  █" + String(repeating: " ", count: 2) + "▂" + String(repeating: " ", count: 19) + "▂\n"))
    }
}
