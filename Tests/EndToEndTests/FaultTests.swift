import Foundation
import Testing
import SpindleStore
import SpindleValue

/// Runs FaultFlow with `mode` and returns what happened and the store.
func fault(_ mode: String, env: [String: String] = [:], args: [String] = []) throws -> (Outcome, Store, Sandbox) {
    let box = try Sandbox()
    var e = env
    e["FAULT_MODE"] = mode
    let out = try box.run("FaultFlow", ["run"] + args, environment: e)
    return (out, try box.store(), box)
}

func task(_ store: Store, _ step: String, run: RunID = .number(1)) throws -> TaskRecord {
    try #require(try store.tasks(flow: "FaultFlow", run: run, step: step).last)
}

@Suite("Failing steps")
struct FaultTests {
    @Test("a healthy FaultFlow completes: branch, join, merged artifacts")
    func healthy() throws {
        let (out, store, _) = try fault("ok")
        #expect(out.status == 0, "\(out.output)")
        let join = try task(store, "join")
        #expect(join.parents.map(\.step) == ["left", "right"])
        let arts = try store.artifacts(of: join.pathspec)
        let merged = try store.load(try #require(arts.first { $0.name == "merged" }))
        #expect(merged == ["numbers", "shared"])  // left_sum and right_max differ by side: not merged
        #expect(arts.map(\.name).contains("shared"))
    }

    @Test("a step that throws fails its task with the reason; the run fails", arguments: [
        ("throw", "boom: left always throws"),
        ("missing", "step 'left' has no input artifact 'numbrs' (did you mean 'numbers'?); it has: numbers, shared"),
        ("unencodable", "step 'left': artifact 'bad' cannot be stored:"),
    ])
    func thrown(mode: String, reason: String) throws {
        let (out, store, _) = try fault(mode)
        #expect(out.status == 1)
        let left = try task(store, "left")
        #expect(left.status == .failed)
        #expect(left.error?.hasPrefix(reason) == true, "\(left.error ?? "nil")")
        #expect(out.stdout.contains(reason), "\(out.stdout)")
        let run = try store.run(flow: "FaultFlow", id: .number(1))
        #expect(run.status == .failed)
        #expect(run.error?.contains("FaultFlow/1/left/2 failed") == true)
        #expect(try store.tasks(flow: "FaultFlow", run: .number(1), step: "join").isEmpty)
    }

    @Test("a step that kills its process fails its task; the runtime carries on to a clean end", arguments: [
        ("fatal", "was killed by signal"),
        ("segv", "was killed by signal 11"),
    ])
    func crashed(mode: String, reason: String) throws {
        // Swift's backtracer can take longer than the step's 1 s timeout on a loaded machine.
        let (out, store, _) = try fault(mode, env: ["FAULT_TIMEOUT": "60"])
        #expect(out.status == 1)
        let left = try task(store, "left")
        #expect(left.status == .failed)
        #expect(left.error?.contains(reason) == true, "\(left.error ?? "nil")")
        #expect(try store.task(Pathspec(flow: "FaultFlow", run: .number(1), step: "right", task: 3)).status == .completed)
        #expect(try store.run(flow: "FaultFlow", id: .number(1)).status == .failed)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test("a step past its timeout is killed and fails")
    func timeout() throws {
        let (out, store, _) = try fault("timeout")
        #expect(out.status == 1)
        #expect(try task(store, "left").error == "timed out after 1 s and was killed")
    }

    @Test("a retry that succeeds on the second attempt completes the run")
    func retry() throws {
        let (out, store, box) = try fault("flaky", env: ["FAULT_RETRY": "1"])
        #expect(out.status == 0, "\(out.output)")
        let left = try task(store, "left")
        #expect(left.status == .completed)
        #expect(left.attempt == 1)
        #expect(try store.logs(task: left.pathspec).map(\.attempt) == [0, 1])
        #expect(out.stdout.contains("retrying, attempt 2 of 2"))
        #expect(box.executions()["left"] == 2)
    }

    @Test("catch stores the failure as an artifact and the flow goes on", arguments: ["throw", "fatal"])
    func caught(mode: String) throws {
        let (out, store, _) = try fault(mode, env: ["FAULT_CATCH": "1", "FAULT_TIMEOUT": "60"])
        #expect(out.status == 0, "\(out.output)")
        let left = try task(store, "left")
        #expect(left.status == .completed)
        let error = try #require(try store.artifacts(of: left.pathspec).first { $0.name == "error" })
        let text = try store.load(error)
        guard case .string(let s) = text else { Issue.record("error artifact is \(text)"); return }
        #expect(s.contains(mode == "throw" ? "boom: left always throws" : "killed by signal"), "\(s)")
        #expect(try store.run(flow: "FaultFlow", id: .number(1)).status == .completed)
    }

    @Test("a flood of output is kept bounded in the store and the run goes on")
    func flood() throws {
        let (out, store, _) = try fault("flood", env: ["FAULT_TIMEOUT": "120"])
        #expect(out.status == 0)
        let log = try #require(try store.logs(task: try task(store, "left").pathspec).first)
        #expect(log.truncated)
        #expect(log.stdout.utf8.count <= 1 << 20)
        #expect(log.stdout.hasSuffix("flood line 299999 with some padding to make it longer\n"))
    }

    @Test("Ctrl-C ends the children and marks the run cancelled")
    func interrupt() throws {
        let box = try Sandbox()
        let running = try box.start("FaultFlow", ["run"], environment: ["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "60"])
        // Wait until the slow step is running, then interrupt the runtime.
        let deadline = Date().addingTimeInterval(30)
        while box.executions()["left"] == nil && Date() < deadline { usleep(20_000) }
        running.process.interrupt()
        let out = running.finish()
        #expect(out.status == 130, "\(out.output)")
        let store = try box.store()
        let run = try store.run(flow: "FaultFlow", id: .number(1))
        #expect(run.status == .cancelled)
        #expect(try store.tasks(flow: "FaultFlow", run: .number(1), step: "left").first?.status == .failed)
    }
}

@Suite("Resume")
struct ResumeTests {
    @Test("resume re-runs only what failed, cloning the rest without copying blobs")
    func resumeFailed() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"], environment: ["FAULT_MODE": "throw"]).status == 1)
        #expect(box.executions() == ["start": 1, "left": 1, "right": 1])
        let out = try box.run("FaultFlow", ["resume"], environment: ["FAULT_MODE": "ok"])
        #expect(out.status == 0, "\(out.output)")
        #expect(box.executions() == ["start": 1, "left": 2, "right": 1, "join": 1, "end": 1])
        let store = try box.store()
        let run = try store.run(flow: "FaultFlow", id: .number(2))
        #expect(run.status == .completed)
        #expect(run.origin == .number(1))
        let start2 = try task(store, "start", run: .number(2))
        #expect(start2.origin?.description == "FaultFlow/1/start/1")
        #expect(try store.artifacts(of: start2.pathspec).map(\.hash)
                == store.artifacts(of: Pathspec(flow: "FaultFlow", run: .number(1), step: "start", task: 1)).map(\.hash))
        #expect(try task(store, "left", run: .number(2)).origin == nil)
    }

    @Test("resume from a step re-runs it and what follows; changed parameters re-run start")
    func resumeFromStep() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let out = try box.run("FaultFlow", ["resume", "join", "--origin", "1"])
        #expect(out.status == 0, "\(out.output)")
        #expect(box.executions() == ["start": 1, "left": 1, "right": 1, "join": 2, "end": 2])
        let changed = try box.run("FaultFlow", ["resume", "--origin", "1", "--size", "5"])
        #expect(changed.status == 0, "\(changed.output)")
        #expect(box.executions() == ["start": 2, "left": 2, "right": 2, "join": 3, "end": 3])
        #expect(try box.store().run(flow: "FaultFlow", id: .number(3)).parameters == ["size": 5])
    }

    @Test("resume without a failed run says so")
    func nothingToResume() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let out = try box.run("FaultFlow", ["resume"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("no failed, cancelled or unfinished run of FaultFlow to resume; name one with --origin"))
    }
}
