import Foundation
import Testing
import SpindleStore
import SpindleValue

/// The Slurm cluster `scripts/slurm start` runs (scripts/test starts it, as
/// root): a test that needs it and finds none fails.
enum TestSlurm {
    static func environment() throws -> [String: String] {
        guard let conf = ProcessInfo.processInfo.environment["SLURM_CONF"], !conf.isEmpty,
              ProcessInfo.processInfo.environment["SPINDLE_TEST_SLURM"] != nil else {
            throw SupportError("no Slurm cluster: run `eval \"$(scripts/slurm start)\"` as root first (scripts/test does it)")
        }
        return ["SLURM_CONF": conf]
    }

    /// Runs a Slurm command and returns its standard output.
    @discardableResult
    static func command(_ name: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.runSerialized()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Which of `jobs` Slurm still has queued or running. (By id: tests running at once
    /// in stores of their own have runs of the same name, so job names do not tell them apart.)
    static func live(_ jobs: [String]) throws -> [String] {
        let queued = Set(try command("squeue", ["-h", "-o", "%i"]).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        return jobs.filter(queued.contains)
    }

    /// The Slurm jobs the store recorded for the tasks of `run` of `flow`.
    static func jobs(_ store: Store, flow: String, run: RunID) throws -> [String] {
        try store.tasks(flow: flow, run: run).compactMap(\.placement?.job)
    }
}

// One test at a time: the test cluster is one node with as many CPUs as the machine (two here), and
// three of these tests keep a sleeping job on it until they stop it (a time limit, scancel, Ctrl-C).
// Run together in a loaded CI run, the Ctrl-C test once waited past its 60 s for a CPU to start its
// job. Alone, the whole suite takes about 6 s.
@Suite("Running on Slurm", .serialized)
struct SlurmTests {
    static let small = ["--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]

    /// Runs in `box` with the cluster's environment and the box's own cache.
    func run(_ shared: SharedSandbox, _ box: Sandbox, _ binary: String, _ arguments: [String],
             _ extra: [String: String] = [:]) throws -> Outcome {
        var env = try TestSlurm.environment()
        env["SPINDLE_CACHE"] = box.dir.appendingPathComponent("cache").path
        for (k, v) in extra { env[k] = v }
        return try box.run(binary, arguments, environment: env)
    }

    @Test("HelloFlow and RatingsFlow run on Slurm into the shared store, each task a job; the answers equal a local run's")
    func sampleFlows() throws {
        let box = try SharedSandbox(.s3)
        let hello = try run(box, box.production, "HelloFlow", ["run", "--executor", "slurm", "--store", "prod"])
        #expect(hello.status == 0, "\(hello.output)")
        let ratings = try run(box, box.production, "RatingsFlow", ["run", "--executor", "slurm", "--store", "prod"] + Self.small)
        #expect(ratings.status == 0, "\(ratings.output)")
        let shared = try box.shared()
        for flow in ["HelloFlow", "RatingsFlow"] {
            let tasks = try shared.tasks(flow: flow, run: .number(1))
            #expect(!tasks.isEmpty)
            #expect(tasks.allSatisfy { $0.placement?.engine == "slurm" }, "\(tasks.map(\.placement))")
            #expect(Set(tasks.compactMap(\.placement?.job)).count == tasks.count, "one job a task")
        }
        // The same flow run here, locally, gives the same artifacts.
        #expect(try box.laptop.run("RatingsFlow", ["run"] + Self.small).status == 0)
        let local = try box.laptop.store()
        func ends(_ store: Store, _ run: RunID) throws -> [String: String] {
            let end = try #require(try store.tasks(flow: "RatingsFlow", run: run, step: "end").first)
            return Dictionary(uniqueKeysWithValues: try store.artifacts(of: end.pathspec).map { ($0.name, $0.hash) })
        }
        #expect(try ends(shared, .number(1)) == ends(local, .number(1)))
        // show says where a task ran, and how to ask Slurm about it.
        let shown = try run(box, box.production, "RatingsFlow", ["show", "--store", "prod", "1/train/3"])
        #expect(shown.stdout.contains("ran on: slurm job "), "\(shown.output)")
        #expect(shown.stdout.contains("(scontrol show job "), "\(shown.output)")
    }

    @Test("MCP's step_context says where the task ran, and how to ask Slurm about it")
    func mcpShowsPlacement() async throws {
        let box = try SharedSandbox(.s3)
        var env = try TestSlurm.environment()
        env["SPINDLE_CACHE"] = box.production.dir.appendingPathComponent("cache").path
        let ran = try box.production.run("RatingsFlow", ["run", "--executor", "slurm"] + Self.small, environment: env)
        #expect(ran.status == 0, "\(ran.output)")
        let mcp = try await MCPSession(store: box.production.storeRoot, environment: env, directory: box.production.dir)
        let answer = try await mcp.call("step_context", #"{"flow":"RatingsFlow","step":"train","index":1}"#)
        _ = await mcp.close()
        #expect(!answer.isError, "\(answer.text)")
        #expect(answer.text.contains("ran on slurm job "), "\(answer.text)")
        #expect(answer.text.contains("scontrol show job "), "\(answer.text)")
    }

    @Test("the seed scenario across engines: a run on Slurm, one step spun on the laptop locally and diffed, another sent to Slurm")
    func spinAcrossEngines() throws {
        let box = try SharedSandbox(.s3)
        #expect(try run(box, box.production, "RatingsFlow", ["run", "--executor", "slurm", "--store", "prod"] + Self.small).status == 0)
        let here = try run(box, box.laptop, "RatingsFlow", ["spin", "train", "--from", "prod", "--index", "1", "--set", "input=0.05"])
        #expect(here.status == 0, "\(here.output)")
        #expect(here.output.contains("against RatingsFlow/prod:1/train/3:"), "\(here.output)")
        #expect(here.output.contains("~ rate: 0.01 → 0.05"), "\(here.output)")
        let there = try run(box, box.laptop, "RatingsFlow", ["spin", "train", "--run", "prod:1", "--index", "2", "--executor", "slurm"])
        #expect(there.status == 0, "\(there.output)")
        let spins = try box.laptop.store().runs(flow: "RatingsFlow", spins: true)
        let local = try #require(spins.first { $0.id == .spin(1) }), remote = try #require(spins.first { $0.id == .spin(2) })
        #expect(try box.laptop.store().tasks(flow: "RatingsFlow", run: local.id).first?.placement == nil)
        #expect(try box.laptop.store().tasks(flow: "RatingsFlow", run: remote.id).first?.placement?.engine == "slurm")
    }

    @Test("a failing step on Slurm fails the run with the step's own error")
    func failingStep() throws {
        let box = try SharedSandbox(.s3)
        let out = try run(box, box.production, "FaultFlow", ["run", "--executor", "slurm", "--store", "prod"], ["FAULT_MODE": "throw"])
        #expect(out.status == 1, "\(out.output)")
        let left = try #require(try box.shared().tasks(flow: "FaultFlow", run: .number(1), step: "left").first)
        #expect(left.status == .failed)
        #expect(left.error?.contains("boom: left always throws") == true, "\(left.error ?? "")")
        #expect(left.placement?.engine == "slurm")
    }

    @Test("a step over its time limit on Slurm is stopped, and the run says so")
    func timeLimit() throws {
        let box = try SharedSandbox(.s3)
        let out = try run(box, box.production, "FaultFlow", ["run", "--executor", "slurm", "--store", "prod"],
                          ["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "2", "FAULT_SLEEP": "600"])
        #expect(out.status == 1, "\(out.output)")
        let left = try #require(try box.shared().tasks(flow: "FaultFlow", run: .number(1), step: "left").first)
        #expect(left.error?.contains("timed out after 2 s") == true, "\(left.error ?? "")")
        let job = try #require(left.placement?.job)
        var live = try TestSlurm.live([job])
        let ended = Date()
        while !live.isEmpty && Date().timeIntervalSince(ended) < 60 {
            usleep(200_000)
            live = try TestSlurm.live([job])
        }
        #expect(live.isEmpty, "job \(job) is still there")
    }

    @Test("a job killed with scancel fails the run cleanly, naming the job; resume completes it", .timeLimit(.minutes(10)))
    func scancel() throws {
        let box = try SharedSandbox(.s3)
        var env = try TestSlurm.environment()
        env.merge(["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "600",
                   "SPINDLE_CACHE": box.production.dir.appendingPathComponent("cache").path]) { $1 }
        let running = try box.production.start("FaultFlow", ["run", "--executor", "slurm", "--store", "prod"], environment: env)
        let shared = try box.shared()
        var job: String?
        let started = Date()
        while job == nil && Date().timeIntervalSince(started) < 60 {
            job = try shared.tasks(flow: "FaultFlow", run: .number(1), step: "left").first?.placement?.job
            if job == nil { usleep(100_000) }
        }
        let id = try #require(job, "the left task never reported its job")
        usleep(300_000)
        try TestSlurm.command("scancel", [id])
        let out = running.finish()
        #expect(out.status == 1, "\(out.output)")
        let left = try #require(try shared.tasks(flow: "FaultFlow", run: .number(1), step: "left").first)
        #expect(left.status == .failed)
        #expect(left.error?.contains("Slurm job \(id) was cancelled (scancel") == true, "\(left.error ?? "")")
        #expect(try shared.run(flow: "FaultFlow", id: .number(1)).status == .failed)
        let resumed = try run(box, box.laptop, "FaultFlow", ["resume", "--executor", "slurm", "--store", "prod"], ["FAULT_MODE": "ok"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try shared.run(flow: "FaultFlow", id: .number(2)).status == .completed)
    }

    @Test("Ctrl-C stops the run and cancels its jobs", .timeLimit(.minutes(10)))
    func interrupt() throws {
        let box = try SharedSandbox(.s3)
        var env = try TestSlurm.environment()
        env.merge(["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "600"]) { $1 }
        let running = try box.production.start("FaultFlow", ["run", "--executor", "slurm", "--store", "prod"], environment: env)
        let shared = try box.shared()
        let started = Date()
        // Wait for the sleeping step's job (left), so a job is surely running when Ctrl-C comes.
        while Date().timeIntervalSince(started) < 60 {
            if try shared.tasks(flow: "FaultFlow", run: .number(1), step: "left").first?.placement != nil { break }
            usleep(100_000)
        }
        // Read after left's job is known: read before, in the same round, they once missed it (and
        // start's job had ended), so no job was live.
        var jobs = try TestSlurm.jobs(shared, flow: "FaultFlow", run: .number(1))
        #expect(try !TestSlurm.live(jobs).isEmpty, "jobs: \(jobs)")
        usleep(300_000)
        kill(running.process.processIdentifier, SIGINT)
        let out = running.finish()
        #expect(out.status == 130, "\(out.output)")
        jobs = try TestSlurm.jobs(shared, flow: "FaultFlow", run: .number(1))
        var live = try TestSlurm.live(jobs)
        let ended = Date()
        while !live.isEmpty && Date().timeIntervalSince(ended) < 60 {
            usleep(200_000)
            live = try TestSlurm.live(jobs)
        }
        #expect(live.isEmpty, "jobs left running: \(live)")
        #expect(try box.shared().run(flow: "FaultFlow", id: .number(1)).status == .cancelled)
    }
}
