import Foundation
import Testing
import SpindleStore

/// The Python in the test venv (scripts/test makes it, with hera and PyYAML).
func testPython() throws -> String {
    guard let python = ProcessInfo.processInfo.environment["SPINDLE_PYTHON"], !python.isEmpty else {
        throw SupportError("SPINDLE_PYTHON is not set: scripts/test sets it to its venv's python (with hera and PyYAML)")
    }
    return python
}

/// The folder of the Argo fixtures (the checker and the local runner).
let argoFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/argo")

@Suite("Argo Workflows export")
struct ArgoExportTests {
    /// Runs a Python fixture script and returns what it did.
    func python(_ script: String, _ arguments: [String], in box: Sandbox) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try testPython())
        p.arguments = [argoFixtures.appendingPathComponent(script).path] + arguments
        p.currentDirectoryURL = box.dir
        var env = ProcessInfo.processInfo.environment
        env["SPINDLE_NO_REBUILD"] = "1"
        env["FAULT_DIR"] = box.dir.path
        env["SPINDLE_CACHE"] = box.dir.appendingPathComponent("cache").path
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.runSerialized()
        return Running(process: p, out: out, err: err).finish()
    }

    /// Exports `flow`, checks the template against Argo's models, and runs its commands here in DAG order.
    func exportAndRun(_ flow: String, params: [String] = [], workflow: String) throws -> (SharedSandbox, String) {
        let box = try SharedSandbox(.s3)
        let exported = try box.run(box.laptop, flow, ["argo", "export", "--image", "registry.example.org/spindle/\(flow.lowercased()):1",
                                                      "--store", "prod", "--secret", "spindle-store"])
        #expect(exported.status == 0, "\(exported.output)")
        let file = box.laptop.dir.appendingPathComponent("\(flow).yaml")
        try exported.stdout.write(to: file, atomically: true, encoding: .utf8)
        let checked = try python("check_template.py", [file.path], in: box.laptop)
        #expect(checked.status == 0, "hera refused the template: \(checked.output)")
        let ran = try python("run_locally.py", [file.path, "--binary-dir", productsDirectory.path, "--workflow-name", workflow]
                             + params.flatMap { ["--param", $0] }, in: box.laptop)
        #expect(ran.status == 0, "\(ran.output)")
        return (box, exported.stdout)
    }

    @Test("RatingsFlow's template passes Argo's models, and its commands, run in DAG order, complete the flow as a local run would")
    func ratings() throws {
        let (box, yaml) = try exportAndRun("RatingsFlow", params: ["users=60", "items=40", "per_user=10", "epochs=3"], workflow: "ratings-a1")
        for expected in ["withParam: \"{{tasks.start.outputs.parameters.items}}\"", "retryStrategy:", "secretRef:", "onExit: \"finish\""] {
            #expect(yaml.contains(expected), "missing \(expected)")
        }
        let shared = try box.shared()
        let run = try #require(try shared.runs(flow: "RatingsFlow", tag: "engine:ratings-a1").first)
        #expect(run.status == .completed)
        #expect(try shared.tasks(flow: "RatingsFlow", run: run.id).map(\.step) == ["start", "train", "train", "train", "pick", "end"])
        #expect(try box.laptop.run("RatingsFlow", ["run", "--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]).status == 0)
        func ends(_ store: Store, _ run: RunID) throws -> [String: String] {
            let end = try #require(try store.tasks(flow: "RatingsFlow", run: run, step: "end").first)
            return Dictionary(uniqueKeysWithValues: try store.artifacts(of: end.pathspec).map { ($0.name, $0.hash) })
        }
        #expect(try ends(shared, run.id) == ends(try box.laptop.store(), .number(1)))
    }

    @Test("a branch and its join (FaultFlow) and a linear flow (HelloFlow) export and complete the same way")
    func branchAndLinear() throws {
        let (fault, _) = try exportAndRun("FaultFlow", workflow: "fault-b2")
        let run = try #require(try fault.shared().runs(flow: "FaultFlow", tag: "engine:fault-b2").first)
        #expect(run.status == .completed)
        let join = try #require(try fault.shared().tasks(flow: "FaultFlow", run: run.id, step: "join").first)
        #expect(join.parents.count == 2)
        let (hello, _) = try exportAndRun("HelloFlow", workflow: "hello-c3")
        #expect(try hello.shared().runs(flow: "HelloFlow", tag: "engine:hello-c3").first?.status == .completed)
    }

    @Test("what the export cannot lay out, or where it cannot run, is refused with a reason")
    func refused() throws {
        let box = try SharedSandbox(.s3)
        let nested = try box.run(box.laptop, "ShapesFlow", ["argo", "export", "--image", "x/y:1", "--store", "prod"])
        #expect(nested.status != 0)
        #expect(nested.stderr.contains("splits inside a split"), "\(nested.output)")
        let local = try box.laptop.run("HelloFlow", ["argo", "export", "--image", "x/y:1", "--store", box.laptop.storeRoot.path])
        #expect(local.status != 0)
        #expect(local.stderr.contains("needs a shared store every pod can reach"), "\(local.output)")
    }
}
