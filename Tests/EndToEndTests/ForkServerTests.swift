import Foundation
import SpindleFlow
import SpindleStore
import Testing

/// Task processes forked from a warm copy of the flow binary (a run's fork
/// server, a spin's prepared process) instead of spawned: the same results,
/// the same failures and reports, and a fall-back to spawning when the fork
/// server is gone.
@Suite("Forked task processes")
struct ForkServerTests {
    @Test("a run's tasks are forks of its fork server; with SPINDLE_FORK_SERVER=0 they are spawned; the results are the same")
    func forkedOrSpawned() throws {
        let box = try Sandbox()
        let forked = try box.run("HelloFlow", ["run"], environment: ["SPINDLE_TRACE": "1"])
        #expect(forked.status == 0, "\(forked.output)")
        // A task process logs its start; a spawned one also logs its own `main`, which a fork never runs.
        #expect(forked.output.contains("task process HelloFlow/1/end/3 started"), "\(forked.output)")
        #expect(!forked.output.contains("main _task"), "\(forked.output)")
        let spawned = try box.run("HelloFlow", ["run"], environment: ["SPINDLE_TRACE": "1", "SPINDLE_FORK_SERVER": "0"])
        #expect(spawned.status == 0, "\(spawned.output)")
        #expect(spawned.output.contains("main _task"), "\(spawned.output)")
        let store = try box.store()
        func hashes(_ run: Int) throws -> [String: String] { try Self.artifactHashes(store, flow: "HelloFlow", run: run) }
        #expect(try hashes(1) == hashes(2))
        #expect(try !hashes(1).isEmpty)
    }

    /// Every artifact's hash in run `run` of `flow`, by `step/name`.
    static func artifactHashes(_ store: Store, flow: String, run: Int) throws -> [String: String] {
        var all: [String: String] = [:]
        for task in try store.tasks(flow: flow, run: .number(run)) {
            for a in try store.artifacts(of: task.pathspec) { all["\(task.step)/\(a.name)"] = a.hash }
        }
        return all
    }

    @Test("tasks after the first start in processes the server forked ahead of them; none is left when the run ends")
    func standingProcesses() throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let traced = try box.run("HelloFlow", ["run"], environment: ["SPINDLE_TRACE": "1"])
        #expect(traced.status == 0, "\(traced.output)")
        #expect(traced.output.contains("task process forked ahead of its request"), "\(traced.output)")
        // The server and the processes it kept standing end with the run (they wait on the server's socket).
        var left: [String] = []
        for _ in 0..<40 {
            left = Self.processes(mentioning: box.dir.path)
            if left.isEmpty { break }
            usleep(50_000)
        }
        #expect(left.isEmpty, "\(left)")
        let store = try box.store()
        #expect(try store.tasks(flow: "HelloFlow", run: .number(2)).allSatisfy { $0.status == .completed })
    }

    /// The command lines of live processes (zombies have none) that contain `text`.
    static func processes(mentioning text: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> String? in
            guard pid_t(name) != nil, let bytes = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? line : nil
        }
    }

    @Test("a step that recurses megabytes deep completes in a forked task as in a spawned one")
    func deepStack() throws {
        // A forked task runs on a stack the server keeps for it: as large as a main thread's.
        let (box, _) = try forkedAndSpawned("deep")
        let store = try box.store()
        for run in [1, 2] {
            #expect(try Self.leftArtifact(store, run: run, "depth") != nil)
        }
    }

    /// A sandbox where FaultFlow ran with `FAULT_MODE=mode` (and a long timeout) twice, both
    /// completing: run 1 forked by the fork server, run 2 spawned. Returns it and that environment.
    private func forkedAndSpawned(_ mode: String) throws -> (Sandbox, [String: String]) {
        let box = try Sandbox()
        let environment = ["FAULT_MODE": mode, "FAULT_TIMEOUT": "60"]
        let forked = try box.run("FaultFlow", ["run"], environment: environment)
        #expect(forked.status == 0, "\(forked.output)")
        let spawned = try box.run("FaultFlow", ["run"], environment: environment.merging(["SPINDLE_FORK_SERVER": "0"]) { $1 })
        #expect(spawned.status == 0, "\(spawned.output)")
        return (box, environment)
    }

    /// Artifact `name` of the `left` task of FaultFlow's run `run`.
    static func leftArtifact(_ store: Store, run: Int, _ name: String) throws -> ArtifactRecord? {
        let left = try #require(try store.tasks(flow: "FaultFlow", run: .number(run)).first { $0.step == "left" })
        return try store.artifacts(of: left.pathspec).first { $0.name == name }
    }

    @Test("a forked task is handed its inputs and hands back its rows: it never opens the database; spawned, or with SPINDLE_HANDOFF=0, it does; the results are the same")
    func handedOver() throws {
        let (box, database) = try forkedAndSpawned("database")
        let off = try box.run("FaultFlow", ["run"], environment: database.merging(["SPINDLE_HANDOFF": "0"]) { $1 })
        #expect(off.status == 0, "\(off.output)")
        let store = try box.store()
        #expect(try Self.leftArtifact(store, run: 1, "openedDatabase")?.summary == "false")
        #expect(try Self.leftArtifact(store, run: 2, "openedDatabase")?.summary == "true")
        #expect(try Self.leftArtifact(store, run: 3, "openedDatabase")?.summary == "true")
        // The same rows, however the task was started: every task's artifacts (all but the flag), its
        // status, and what the foreach and the parameters it read say.
        func rows(_ run: Int) throws -> [String] {
            try store.tasks(flow: "FaultFlow", run: .number(run)).flatMap { task -> [String] in
                let head = "\(task.step) \(task.status) \(task.foreachCount.map(String.init) ?? "-") \(task.parametersRead ?? [])"
                return [head] + (try store.artifacts(of: task.pathspec)).filter { $0.name != "openedDatabase" }
                    .map { "\(task.step)/\($0.name) \($0.hash) \($0.type) \($0.size) \($0.isOwn) \($0.summary)" }
            }.sorted()
        }
        #expect(try rows(1) == rows(2))
        #expect(try rows(1) == rows(3))
        #expect(try rows(1).count > 10)
    }

    @Test("once warmed up, the fork server holds nothing of the database (no descriptor, no mapping), so no task inherits SQLite's state",
          .timeLimit(.minutes(10)))
    func serverHoldsNoDatabase() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)  // a finished run for the warm-up to read
        let environment = ["FAULT_MODE": "timeout", "FAULT_SLEEP": "5", "FAULT_TIMEOUT": "60", "FAULT_DIR": box.dir.path]
        let executions = box.dir.appendingPathComponent("executions")
        func lefts() -> Int {
            ((try? String(contentsOf: executions, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "left" }.count
        }
        let earlier = lefts()
        let running = try box.start("FaultFlow", ["run"], environment: environment)
        // This run's `left` runs (sleeping) in a task the server forked, so the server is past its warm-up.
        // (A minute at most: on a loaded machine the run can take seconds to get there.)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, running.process.isRunning, lefts() == earlier {
            usleep(2_000)
        }
        guard let server = KillTests.children(of: running.process.processIdentifier, with: ForkServer.command).first else {
            let outcome = running.finish()
            Issue.record("no fork server under the runtime: \(outcome.output)")
            return
        }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server)/fd")) ?? []
        let open = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(server)/fd/\($0)") }
        let maps = (try? String(contentsOfFile: "/proc/\(server)/maps", encoding: .utf8)) ?? ""
        let outcome = running.finish()
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(!open.isEmpty, "the server's descriptors could not be read")
        #expect(!open.contains { $0.contains("meta.sqlite") }, "\(open)")
        #expect(!maps.contains("meta.sqlite"), "\(maps)")
    }

    @Test("a step whose thread and another contend for a Swift Mutex: forked by the fork server, by a spin, in a standby, and spawned, it completes")
    func contendedMutex() throws {
        // A child forked from a thread that had taken a Mutex inherited that thread's id in
        // Swift's lock cache, and failed its first contended lock with a fatal error.
        let (box, contend) = try forkedAndSpawned("contend")
        var environment = spinEnvironment.merging(contend) { $1 }
        environment["SPINDLE_TRACE"] = "1"
        let spin = try box.run("FaultFlow", ["spin", "left", "--no-rebuild"], environment: environment)
        #expect(spin.status == 0, "\(spin.output)")
        #expect(spin.output.contains("prepared the spin's task process"), "\(spin.output)")
        // And in the shell's standbys, whose task processes are forked before the spin is asked for.
        let shell = try box.start("FaultFlow", ["shell", "--keep-going"], environment: contend.merging(["SPINDLE_TRACE": "1"]) { $1 },
                                  input: "load 1\nfocus left\nspin\nspin\n").finish()
        #expect(shell.output.components(separatedBy: "standby asked").count == 3, "\(shell.output)")
        #expect(shell.stdout.components(separatedBy: "✓ FaultFlow/spin-").count == 3, "\(shell.output)")
        let store = try box.store()
        for run in [1, 2] {
            #expect(try Self.leftArtifact(store, run: run, "contended")?.summary == "200")
        }
    }

    @Test("a run started with SWIFT_BACKTRACE set forks its fork server from the runtime: its tasks are forked, find their functions bound, crash with a backtrace, show their titles, and store what an executed server's tasks store",
          .timeLimit(.minutes(10)))
    func serverForkedFromRuntime() throws {
        let box = try Sandbox()
        // The test binaries link the Swift runtime dynamically: without SWIFT_BACKTRACE the server is executed.
        let executed = try box.run("FaultFlow", ["run"], environment: ["SPINDLE_TRACE": "1"], removing: ["SWIFT_BACKTRACE"])
        #expect(executed.status == 0, "\(executed.output)")
        #expect(!executed.output.contains("forked the fork server"), "\(executed.output)")
        var environment = spinEnvironment.merging(["SPINDLE_TRACE": "1", "LD_DEBUG": "bindings"]) { $1 }
        let forked = try box.run("FaultFlow", ["run"], environment: environment)
        #expect(forked.status == 0, "\(forked.output)")
        #expect(forked.output.contains("forked the fork server"), "\(forked.output)")
        #expect(forked.output.contains("task process FaultFlow/2/end/5 started"), "\(forked.output)")
        #expect(!forked.output.contains("main _"), "\(forked.output)")
        // The loader binds none of the program's own calls in a task (the server bound them all).
        let binary = try product("FaultFlow")
        // (The tasks' stderr reaches the output: their trace lines above come that way. Without the server's
        // binding, each task printed a dozen of these lines.)
        let lazy = forked.output.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("binding file \(binary) ") }
        #expect(lazy.isEmpty, "\(lazy.prefix(5))")
        let store = try box.store()
        func hashes(_ run: Int) throws -> [String: String] { try Self.artifactHashes(store, flow: "FaultFlow", run: run) }
        #expect(try hashes(1) == hashes(2))
        // Two threads of a step contend for one Mutex: the server's forking thread had taken none.
        environment = spinEnvironment.merging(["FAULT_MODE": "contend", "FAULT_TIMEOUT": "60"]) { $1 }
        #expect(try box.run("FaultFlow", ["run"], environment: environment).status == 0)
        #expect(try Self.leftArtifact(store, run: 3, "contended")?.summary == "200")
        // A crash: the runtime's crash-report settings are the task's, and the log keeps the backtrace.
        environment["FAULT_MODE"] = "fatal"
        #expect(try box.run("FaultFlow", ["run"], environment: environment).status != 0)
        let crashed = try #require(try store.tasks(flow: "FaultFlow", run: .number(4)).first { $0.step == "left" })
        let failure = try #require(try TaskFailure(crashed, store: store))
        #expect(failure.backtrace.contains { $0.contains("FaultFlow/main.swift:39") }, "\(failure.backtrace)")
        // A task's title, as `ps` shows it: the task's command line, not the runtime's.
        environment["FAULT_MODE"] = "timeout"
        environment["FAULT_SLEEP"] = "20"
        let running = try box.start("FaultFlow", ["run"], environment: environment)
        // Polled on this thread, not with `eventually`: its sleeps wait for a thread of the shared pool, which a
        // full test run can keep busy past the task's 20 s.
        var titled = false
        for _ in 0..<600 where !titled && running.process.isRunning {
            titled = !livingProcesses(command: TaskInvocation.command, containing: box.dir.path).isEmpty
            if !titled { usleep(50_000) }
        }
        // The server's title names it (so do the processes it forked ahead, until they become tasks).
        let server = Self.forkServer(of: running.process.processIdentifier)
        let seen = Self.processes(mentioning: box.dir.path)
        running.process.interrupt()
        let output = running.finish().output
        #expect(titled, "processes: \(seen)\n\(output)")
        #expect(server != nil, "no child of the runtime is titled \(ForkServer.command): \(seen)")
    }

    @Test("a run reaps its fork server and the processes it forked ahead, executed or forked: none is left to the ancestor that adopts orphans",
          .timeLimit(.minutes(10)), arguments: [false, true])
    func nothingLeftToReap(forkedFromRuntime: Bool) throws {
        let box = try Sandbox()
        // A parent that adopts its descendants' orphans (as a test process may), runs the flow, and
        // counts what it is left to reap over the next two seconds.
        let script = """
            import ctypes, os, subprocess, sys, time
            assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
            run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            left, deadline = 0, time.time() + 2
            while time.time() < deadline:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    time.sleep(0.05)
                else:
                    left += 1
            print(run.returncode, left)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, try product("HelloFlow"), "run"]
        p.currentDirectoryURL = box.dir
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SPINDLE_STORE")
        env.removeValue(forKey: "SWIFT_BACKTRACE")
        if forkedFromRuntime { env.merge(spinEnvironment) { $1 } }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.runSerialized()
        p.waitUntilExit()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.trimmingCharacters(in: .whitespacesAndNewlines) == "0 0", "the run's exit status, and the processes left to reap: \(said)")
    }

    /// The runtime's fork server: the oldest of its children titled `_forkserver` (the processes
    /// the server forks ahead carry its title until they become tasks).
    static func forkServer(of runtime: pid_t) -> pid_t? {
        func started(_ pid: pid_t) -> UInt64 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return .max }
            // After "pid (comm) ", field 22 of stat (the start time) is the 20th.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 19 ? UInt64(fields[19]) ?? .max : .max
        }
        return KillTests.children(of: runtime, with: ForkServer.command).min { (started($0), $0) < (started($1), $1) }
    }

    @Test("a fork server killed mid-run (executed, or forked from the runtime): the run spawns the tasks left and completes with the same results",
          .timeLimit(.minutes(10)), arguments: [false, true])
    func serverKilled(forkedFromRuntime: Bool) throws {
        let box = try Sandbox()
        #expect(try box.run("RatingsFlow", KillTests.longArgs).status == 0)
        let reference = try KillTests().finalHashes(try box.store(), run: .number(1))
        let environment = (forkedFromRuntime ? spinEnvironment : [:]).merging(["SPINDLE_TRACE": "1"]) { $1 }
        let running = try box.start("RatingsFlow", KillTests.longArgs, environment: environment,
                                    removing: forkedFromRuntime ? [] : ["SWIFT_BACKTRACE"])
        let runtime = running.process.processIdentifier
        var server: pid_t?
        for _ in 0..<2000 where server == nil && running.process.isRunning {
            server = Self.forkServer(of: runtime)
            if server == nil { usleep(1_000) }
        }
        let killed = try #require(server, "no fork server under the runtime")
        // Let it serve some tasks first, then kill it while training runs.
        usleep(300_000)
        #expect(running.process.isRunning, "the run ended before its server could be killed")
        kill(killed, SIGKILL)
        let outcome = running.finish()
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("forked the fork server") == forkedFromRuntime, "\(outcome.output)")
        #expect(outcome.output.contains("spawning instead"), "\(outcome.output)")
        #expect(try KillTests().finalHashes(try box.store(), run: .number(2)) == reference)
        #expect(try box.store().integrityCheck() == ["ok"])
    }

    @Test("a spin started as the shell starts it forks its task early; a crash there still leaves its backtrace",
          .timeLimit(.minutes(10)))
    func preparedSpin() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        var environment = spinEnvironment
        environment["SPINDLE_TRACE"] = "1"
        let good = try box.run("FaultFlow", ["spin", "left", "--no-rebuild"], environment: environment)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("prepared the spin's task process"), "\(good.output)")
        #expect(!good.output.contains("main _task"), "\(good.output)")
        environment["FAULT_MODE"] = "fatal"
        // No timeout: the step's is 1 s, and the crash report's symbolication can take longer on a loaded machine.
        let crashed = try box.run("FaultFlow", ["spin", "left", "--no-rebuild", "--no-timeout"], environment: environment)
        #expect(crashed.status != 0)
        #expect(crashed.output.contains("prepared the spin's task process"), "\(crashed.output)")
        let store = try box.store()
        let spin = try #require(try store.runs(flow: "FaultFlow", spins: true).first)
        let task = try #require(try store.tasks(flow: "FaultFlow", run: spin.id).first)
        #expect(task.status == .failed)
        let failure = try #require(try TaskFailure(task, store: store))
        #expect(failure.message.contains("SIGILL"), "\(failure.message)")
        #expect(failure.backtrace.contains { $0.contains("FaultFlow/main.swift:39") }, "\(failure.backtrace)")
    }
}

@Suite("Standby spins in the shell")
struct StandbySpinTests {
    @Test("the shell's spins after the first run in a process started ahead of them, with the same answers")
    func standby() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let script = "load 1\nfocus left\nspin\nout.left_sum\nspin\nout.left_sum\n"
        let shell = try box.start("FaultFlow", ["shell", "--keep-going"], environment: ["SPINDLE_TRACE": "1"], input: script).finish()
        #expect(shell.status == 0, "\(shell.output)")
        #expect(shell.stdout.components(separatedBy: "✓ FaultFlow/spin-").count == 3, "\(shell.output)")
        #expect(shell.stdout.components(separatedBy: "\n3.0\n").count == 3, "\(shell.output)")
        // What each spin used comes with its end (SpinEnd), before its process is gone.
        #expect(shell.stdout.components(separatedBy: "peak memory").count == 3, "\(shell.output)")
        #expect(shell.output.components(separatedBy: "spin says it ended: 0").count == 3, "\(shell.output)")
        // Both spins ran in standbys: one started at focus, the next when the first spin ended.
        #expect(shell.output.components(separatedBy: "standby asked").count == 3, "\(shell.output)")
        #expect(!shell.output.contains("main spin"), "\(shell.output)")
        // The standby started after the last spin, and the task process it forked, end with the shell:
        // nothing is left running, and the shell waited for them (none is left to init).
        #expect(livingProcesses(command: SpinStandby.command, containing: box.dir.path).isEmpty)
        #expect(shell.output.contains("standby rehearsed a spin"), "\(shell.output)")
        // Each standby rehearsed a spin while it waited (three did: at focus and after each spin);
        // the store holds the two spins that ran, and nothing of the rehearsals.
        let spins = try box.store().runs(flow: "FaultFlow", spins: true).filter(\.id.isSpin)
        #expect(spins.count == 2, "\(spins.map(\.pathspec))")
        #expect(try box.store().runs(flow: "FaultFlow").filter { !$0.id.isSpin }.count == 1)
        // Turned off, every spin starts its own process.
        let plain = try box.start("FaultFlow", ["shell", "--keep-going"], environment: ["SPINDLE_TRACE": "1", "SPINDLE_STANDBY": "0"],
                                  input: script).finish()
        #expect(plain.status == 0, "\(plain.output)")
        #expect(!plain.output.contains("standby asked"), "\(plain.output)")
        #expect(plain.output.components(separatedBy: "main spin").count == 3, "\(plain.output)")
    }

    @Test("a spin that fails in a standby is reported failed, with its exit status")
    func failingStandby() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let script = "load 1\nfocus left\nspin\nspin\n"
        let shell = try box.start("FaultFlow", ["shell", "--keep-going"],
                                  environment: ["SPINDLE_TRACE": "1", "FAULT_MODE": "throw"], input: script).finish()
        #expect(shell.output.components(separatedBy: "standby asked").count == 3, "\(shell.output)")
        #expect(shell.output.components(separatedBy: "the spin failed (the flow binary exited with status 1)").count == 3,
                "\(shell.output)")
    }

    @Test("a standby whose binary changed on disk is not current; one that is discarded ends")
    func staleBinary() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        // A copy of the binary, so that changing its time disturbs no other test.
        let binary = box.dir.appendingPathComponent("FaultFlowCopy").path
        try copyProduct("FaultFlow", to: binary)
        let ready = try #require(SpinStandby.start(binary: binary, store: box.storeRoot.path, environment: [:]))
        #expect(ready.isCurrent(for: binary))
        #expect(!ready.isCurrent(for: binary + "-other"))
        var s = stat()
        #expect(stat(binary, &s) == 0)
        var times = [s.st_atim, timespec(tv_sec: s.st_mtim.tv_sec + 1, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, binary, &times, 0) == 0)
        #expect(!ready.isCurrent(for: binary))
        ready.discard()
        // Once discarded it cannot run a spin.
        #expect(throws: (any Error).self) { try ready.run(["spin", "left"], line: { _, _ in }, interrupted: { false }) }
    }

    @Test("a standby's message: the arguments as sent, or nothing when it is cut short", arguments: [
        (Array("10\nspin\0left\0".utf8), ["spin", "left"] as [String]?),
        (Array("0\n".utf8), [] as [String]?),
        (Array("5\nspin\0".utf8), ["spin"] as [String]?),
        (Array("6\n\0spin\0".utf8), ["", "spin"] as [String]?),
        (Array("9\nspin\0".utf8), nil),
        (Array("x\nspin\0".utf8), nil),
        (Array("4\nspin".utf8), nil),
        ([UInt8](), nil),
    ])
    func messages(_ bytes: [UInt8], _ expected: [String]?) throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        defer { close(fds[0]) }
        #expect(SpinStandby.readArguments(from: fds[0]) == expected)
    }
}
