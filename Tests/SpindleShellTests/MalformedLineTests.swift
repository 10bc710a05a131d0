import Foundation
import Testing
@testable import SpindleShell
import SpindleStore

/// Lines a person might mistype, or a fuzzer might try. Each must fail with a
/// message, leave the shell working, and leave the store as it was.
let malformedLines: [String] = [
    // Syntax
    "(", ")", "[", "]", "{", "}", "[1, 2", "{a: 1", "{a 1}", "{1: 2}", "(1 + 2", "1 +", "* 2", "1 2", "a b c",
    "x = ", "= 3", "x == ", "1 ++ 2", "\"unclosed", "'unclosed", "\"bad \\q escape\"", "\"\\u{zz}\"", "@", "$x",
    "x = 1 = 2", "1 = x", "f(", "len(1,", "len(,)", "x[", "x[]", "x[1", "x[:", "x.", "x.1", "x..y", "!", "-",
    "12abc", "99999999999999999999", "0x10", "1e", "a.b.", "[1 2]", "{a: 1 b: 2}", "x = [1,,2]", "`cmd`", "x;y",
    // Names
    "nothere", "nothere + 1", "weigths", "mean(nothere)", "nofunction(1)", "men(weights)", "config.nokey",
    "config.nam", "inputs", "out", "out.x", "len", "sum", "x = focus", "focus = 3", "len = 2",
    // Types and values
    "1 + \"a\"", "\"a\" - \"b\"", "true + 1", "config + 1", "-config", "!1", "1 && true", "label * 2",
    "weights + [1, 2]", "weights[\"a\"]", "label[0.5]", "config[0]", "weights[5000]", "weights[-5000]",
    "weights[1:2:3]", "len(1)", "keys(weights)", "values(1)", "sum(label)", "mean(\"a\")", "describe(config)",
    "reshape(weights, [7, 7])", "percentile(weights, 200)", "range(\"a\")", "zeros(-1)", "zeros(1000000000)",
    "int(nan)", "count(weights)", "any(1)", "sort(config)", "clip(weights, \"a\", 1)", "9223372036854775807 + 1",
    "5 % 0", "head(weights, \"x\")", "weights[weights]", "config.name.x", "config.name = config.missing.x",
    "groups[9] = 1", "label.x = 1",
    // Commands used wrongly
    "focus", "focus nostep", "focus score x", "focus score -1", "focus score 9", "show", "show (", "reset nothing",
    "reset label2", "diff", "diff 1/start/1", "diff a b", "diff 1/start/1 1/nostep/1", "outputs", "logs 9/none/1",
    "logs ../../etc/passwd", "load 99", "load Nope/1", "load ../x", "load spin-99", "read", "read x", "read 1x file",
    "read x /nonexistent", "save", "save weights", "save weights /nonexistent/dir/f.json", "help nocommand", "spin",
    "helpp", "quitt", "varss",
    // The notebook's forms: collections, results, spins, introspection, timing, the debugger.
    "map(weights)", "map(weights, 3)", "map(config, c -> c)", "filter(groups, g -> g)", "filter(weights, \"x\")",
    "sortby(groups, g -> g)", "sortby(weights, w -> w, 1)", "zip(weights, [1])", "zip(label, weights)", "x -> x",
    "len(x -> x)", "map(weights, true -> 1)", "argmin(groups, \"a\")", "map(weights, w -> nothere)", "groups[*].x",
    "weights[*", "_", "_0", "_99", "spin0", "spin1", "spin1.rmse", "_ = 2", "spin1 = 3", "out = 1", "orig",
    "diff spin1", "diff spin1 spin2", "diff spinx", "?", "?nothere", "? (", "??nostep", "info", "source nostep",
    "time", "time nothere", "time time 1", "debug",
    // Extremes: no crash, no stack overflow.
    "[1, 2] + 9223372036854775807", "weights[[9223372036854775807]]", "reshape(weights, [9223372036854775807])",
    "range(-9000000000000000000, 9000000000000000000)", String(repeating: "[", count: 100_000),
    String(repeating: "-", count: 100_000) + "1", String(repeating: "!", count: 100_000) + "true",
    "label[-9223372036854775808]",
]

@Suite("Malformed lines")
struct MalformedLineTests {
    @Test("at least a hundred malformed lines each fail with a message; the shell carries on and the store is unchanged")
    func malformed() async throws {
        #expect(malformedLines.count >= 100)
        let s = try await shellSession()
        _ = s.run("focus score 1")
        let store = s.store
        let before = (try store.runs(flow: "ShellFlow").count, try store.runs(flow: "ShellFlow", spins: true).count,
                      try store.tasks(flow: "ShellFlow", run: .number(1)).count, try store.blobs.allHashes().count)
        for line in malformedLines {
            // Focus again whenever a line moved focus away, so each starts from the same state.
            if s.focus?.step != "score" { _ = s.run("focus score 1") }
            let r = s.run(line)
            #expect(!r.ok, "accepted: \(line)")
            #expect(r.text.contains("error:") || r.text.contains("^ "), "no message for: \(line) → \(r.text)")
        }
        #expect(s.run("1 + 1").text == "2\n")
        let after = (try store.runs(flow: "ShellFlow").count, try store.runs(flow: "ShellFlow", spins: true).count,
                     try store.tasks(flow: "ShellFlow", run: .number(1)).count, try store.blobs.allHashes().count)
        #expect(before == after)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test("errors inside a line point at the column", arguments: [
        ("x = [1, 2", "  x = [1, 2\n           ^ expected ']' to close the array opened at column 5, found end of line\n"),
        ("weigths", "  weigths\n  ^ no command or variable 'weigths' (did you mean 'weights'?); type help\n"),
        ("mean(weights) + label", "  mean(weights) + label\n                ^ '+' does not apply to Double and String\n"),
        ("config.nam", "  config.nam\n        ^ no member 'nam' (did you mean 'name'?); it has: name, depth, tags\n"),
        ("show nothere", "  show nothere\n       ^ no variable 'nothere'\n"),
        ("helpp", "  helpp\n  ^ no command or variable 'helpp' (did you mean 'help'?); type help\n"),
    ])
    func caret(line: String, expected: String) async throws {
        let s = try await shellSession()
        _ = s.run("focus score 1")
        let r = s.run(line)
        #expect(!r.ok)
        #expect(r.text == expected)
    }
}
