import Foundation
import Testing
@testable import SpindleShell
import SpindleFlow
import SpindleStore
import SpindleValue

/// Rough edges a person met at a real terminal, each pinned here.
@Suite("Shell rough edges")
struct ShellRoughEdgeTests {
    /// A byte source for the key reader: the bytes in order, then (for a
    /// timed read) nil, as a terminal that has nothing more to send.
    final class Bytes: @unchecked Sendable {
        var bytes: [Int32]
        init(_ text: [UInt8]) { bytes = text.map(Int32.init) }
        func read(_ timeout: Int32?) -> Int32? {
            if bytes.isEmpty { return timeout == nil ? -1 : nil }
            return bytes.removeFirst()
        }
    }

    func keys(_ text: [UInt8]) -> [Int32] {
        let source = Bytes(text)
        var out: [Int32] = []
        while true {
            let k = TerminalKeys.next(read: source.read)
            if k < 0 { break }
            out.append(k)
        }
        return out
    }

    @Test("arrow keys become the control keys libedit binds to the same moves, so Ctrl-R's search ends cleanly", arguments: [
        ("\u{1B}[C", [6]), ("\u{1B}[D", [2]), ("\u{1B}[A", [16]), ("\u{1B}[B", [14]), ("\u{1B}OH", [1]), ("\u{1B}[F", [5]),
        ("\u{1B}", [27]),                         // a lone Escape stays one
        ("\u{1B}[3~", [27, 91, 51, 126]),         // other sequences pass through byte for byte
        ("é€😀a", [0xE9, 0x20AC, 0x1F600, 97]),   // UTF-8 is one character a call
    ])
    func keyReader(text: String, expected: [Int32]) {
        #expect(keys(Array(text.utf8)) == expected)
    }

    @Test("long lines fold at spaces on a terminal, never inside a number")
    func folding() {
        let line = "  ~ model.userBias: [Double] 80 of 80 elements differ (max abs 0.372532, max rel 174%), first at [0]: -0.010323 → -0.0340446"
        let folded = ShellOutput.fold(line, width: 60)
        #expect(folded.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(folded.replacingOccurrences(of: "\n      ", with: " ") == line)
        for number in ["0.372532", "-0.010323", "-0.0340446", "174%"] { #expect(folded.contains(number)) }
        #expect(ShellOutput.fold("short", width: 60) == "short")
    }

    @Test("completion offers spin ids, and pathspec folders end without a space")
    func completion() async throws {
        let s = try await shellSession()
        let graph = try FlowGraph(shellFlow)
        _ = try await SpinEngine(graph: graph, store: s.store, executor: InProcessExecutor(graph: graph))
            .spin(SpinRequest(step: "score"))
        #expect(s.completions(line: "logs ", word: "", start: 5).contains("spin-1"))
        #expect(s.completions(line: "load ShellFlow/s", word: "ShellFlow/s", start: 5) == ["ShellFlow/spin-1/"])
    }

    @Test("one exit rule: a failed line decides the status off a terminal only, however the shell ends")
    func exitRule() {
        #expect(Shell.exitStatus(failed: true, interactive: false, keepGoing: false) == 1)
        #expect(Shell.exitStatus(failed: true, interactive: true, keepGoing: false) == 0)
        #expect(Shell.exitStatus(failed: true, interactive: false, keepGoing: true) == 0)
        #expect(Shell.exitStatus(failed: false, interactive: false, keepGoing: false) == 0)
    }

    @Test("del drops a variable you made, and refuses an input")
    func del() async throws {
        let s = try await shellSession()
        _ = s.run("x = 3")
        _ = s.run("focus score 1")
        let dropped = s.run("del x")
        #expect(dropped.ok)
        #expect(dropped.text == "dropped x\n")
        #expect(!s.run("x").ok)
        let input = s.run("del label")
        #expect(!input.ok)
        #expect(input.text.contains("'label' is an input of the focused step, not yours: reset label undoes a change"))
    }
}
