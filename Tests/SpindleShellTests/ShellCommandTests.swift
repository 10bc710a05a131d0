import Foundation
import Testing
@testable import SpindleShell
import SpindleStore
import SpindleValue
import SpindleFlow

@Suite("Shell commands (no terminal)")
struct ShellCommandTests {
    @Test("focus makes the parent's artifacts, the parameters and the split's input variables")
    func focus() async throws {
        let s = try await shellSession()
        let f = s.run("focus score 1")
        #expect(f.ok)
        #expect(f.text == "focused score [score 1 of 3] of ShellFlow/1: inputs config, groups, label, weights, input\n")
        #expect(s.prompt == "ShellFlow/1 score[1]> ")
        let v = s.run("vars")
        #expect(v.text.contains("  scale    parameter     Double 2.0"), "\(v.text)")
        #expect(v.text.contains("  weights  input         [Double] 1 000 · min 0 · mean 49.95 · max 99.9"), "\(v.text)")
        #expect(v.text.contains("  input    split input   (not loaded)"))
        #expect(s.run("input").text == "[Double] [3.0, 4.0]\n")
    }

    @Test("assignments change values, paths inside them, and mark the inputs changed")
    func assign() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 0")
        #expect(s.run("input = [10, 20.5]").text == "input = [Double] [10.0, 20.5]  (changed)\n")
        #expect(s.run("config.depth = config.depth + 1").text == "config.depth = Int 4  (changed)\n")
        #expect(s.run("config.tags[1] = \"z\"").ok)
        #expect(s.run("config").text == "name   \"base\"\ndepth  4\ntags   Array 2 [\"a\", \"z\"]\n")
        #expect(s.run("x = len(weights[weights > 50])").text == "x = Int 499\n")
        #expect(s.run("vars").text.contains("* config"))
        #expect(try s.overrides().value.keys.sorted() == ["config", "input"])
        #expect(s.run("reset input").text == "reset input\n")
        #expect(try s.overrides().value.keys == ["config"])
        #expect(s.run("reset").text == "reset config\n")
        #expect(try s.overrides().isEmpty)
    }

    @Test("a join's inputs are a list, and a change names the parent")
    func join() async throws {
        let s = try await shellSession()
        #expect(s.run("focus total").text == "focused total of ShellFlow/1: inputs inputs\n")
        #expect(s.run("len(inputs)").text == "3\n")
        #expect(s.run("inputs[2].score").text == "10.0\n")
        _ = s.run("inputs[2].score = 0.5")
        #expect(try s.overrides().value.keys == ["inputs[2].score"])
    }

    @Test("steps, graph, runs, help and history list what they should")
    func listings() async throws {
        let s = try await shellSession()
        #expect(s.run("steps").text == "  start  1/1 completed\n  score  3/3 completed\n  total  1/1 completed  (join)\n  end    1/1 completed\n")
        #expect(s.run("graph").text.contains("→ foreach groups → score"))
        #expect(s.run("runs").text.hasPrefix("* 1        completed"))
        #expect(s.run("help").text.contains("spin                                   run the focused step"))
        #expect(s.run("help spin").text == "spin\n  run the focused step with the current variables as its inputs, and diff; kept as spinN\n")
        _ = s.run("1 + 1")
        let n = s.historyLines.count
        #expect(s.run("history 2").text == "   \(n)  _\(n)" + String(repeating: " ", count: 5 - String(n).count) + "1 + 1\n   \(n + 1)        history 2\n")
    }

    @Test("save writes JSON and read loads it back")
    func files() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 0")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-save-\(UUID().uuidString).json").path
        #expect(s.run("save config \(file)").text == "saved Object to \(file)\n")
        #expect(s.run("read copy \(file)").ok)
        #expect(s.run("copy == config").text == "true\n")
        #expect(!s.run("read copy /nonexistent/x.json").ok)
    }

    @Test("completion offers commands, steps, members and pathspecs")
    func completion() async throws {
        let s = try await shellSession()
        _ = s.run("focus score 0")
        #expect(s.completions(line: "fo", word: "fo", start: 0) == ["focus"])
        #expect(s.completions(line: "focus sc", word: "sc", start: 6) == ["score"])
        #expect(s.completions(line: "config.de", word: "config.de", start: 0) == ["config.depth"])
        #expect(s.completions(line: "x = wei", word: "wei", start: 4) == ["weights"])
        #expect(s.completions(line: "x = me", word: "me", start: 4) == ["mean(", "median("])
        #expect(s.completions(line: "load ShellFlow/1/s", word: "ShellFlow/1/s", start: 5) == ["ShellFlow/1/score/", "ShellFlow/1/start/"])
    }

    @Test("the history file keeps every line of two shells, and only its owner reads it")
    func history() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-history-\(UUID().uuidString)").path
        let a = ShellHistory(path: path), b = ShellHistory(path: path)
        DispatchQueue.concurrentPerform(iterations: 200) { i in (i % 2 == 0 ? a : b).append("line \(i)") }
        a.append("two\nlines \\ and a backslash")
        let lines = a.load()
        #expect(lines.count == 201)
        #expect(Set(lines.prefix(200)) == Set((0..<200).map { "line \($0)" }))
        #expect(lines.last == "two\nlines \\ and a backslash")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
    }
}
