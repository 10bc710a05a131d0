import Foundation
import Testing
@testable import SpindleShell
import SpindleFlow
import SpindleStore
import SpindleValue

/// A small flow run in this process, so the shell has a real run to load.
let shellFlow = Flow("ShellFlow") {
    Parameter("scale", default: 2.0)
    Step("start", next: .foreach("groups", then: "score")) { task in
        task["groups"] = [[1.0, 2.0], [3.0, 4.0], [5.0]]
        task["weights"] = (0..<1000).map { Double($0) / 10 }
        task["config"] = ["name": "base", "depth": 3, "tags": ["a", "b"]] as Value
        task["label"] = "base"
    }
    Step("score", next: .to("total")) { task in
        let group: [Double] = try task.input()
        task["score"] = group.reduce(0, +) * (try task.parameter("scale", as: Double.self))
    }
    Join("total", next: .to("end")) { task in
        try task.mergeArtifacts(except: ["score"])
        task["total"] = try task.inputs.map { try $0.artifact("score", as: Double.self) }.reduce(0, +)
    }
    Step("end") { _ in }
}

/// A session on a fresh store holding one completed ShellFlow run, capturing its output.
func shellSession() async throws -> ShellSession {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-shell-\(UUID().uuidString)")
    let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
    let graph = try FlowGraph(shellFlow)
    var options = RunOptions()
    options.executor = InProcessExecutor(graph: graph)
    options.maxWorkers = 1
    _ = try await Runtime(graph: graph, store: store, options: options, console: .silent).run()
    let output = ShellOutput(useColor: false, width: 100, writeToStreams: false)
    let session = ShellSession(store: store, output: output)
    output.startCapture()
    try session.load(nil)
    _ = output.stopCapture()
    return session
}

extension ShellSession {
    /// Runs `line` and returns whether it succeeded and what it printed.
    func run(_ line: String) -> (ok: Bool, text: String) {
        output.startCapture()
        let ok = execute(line)
        return (ok, output.stopCapture())
    }
}
