import Foundation
import SpindleStore
import Testing

/// The spin a test repeats.
private let spinTrain = ["spin", "train", "--index", "1", "--set", "input=0.2", "--no-rebuild"]
/// Traced, so a standby that takes a spin, or refuses it, says so on the spin's stderr; and
/// waiting ten minutes, not the sandboxes' 20 s: a test starved of threads for a while in a
/// full run must still find the standby it left. The standbys' own traces go to
/// `standby.log` in the sandbox (``endStandbys(_:)`` prints it).
private func traced(_ box: Sandbox) -> [String: String] {
    ["SPINDLE_TRACE": "1", "SPINDLE_STANDBY_IDLE": "600", "SPINDLE_STANDBY_LOG": box.dir.appendingPathComponent("standby.log").path]
}

/// Waits for a ready standby in `box`'s directory, other than `previous`.
private func awaitStandby(_ box: Sandbox, other previous: pid_t? = nil) async -> pid_t? {
    var found: pid_t?
    _ = await eventually(within: 120) {
        found = standbyProcesses(in: box.dir, listening: true).first { $0 != previous }
        return found != nil
    }
    return found
}

/// Ends every standby a test left in its directory, and prints what they traced.
private func endStandbys(_ box: Sandbox) {
    for pid in standbyProcesses(in: box.dir, listening: false) { kill(pid, SIGKILL) }
    if let log = try? String(contentsOf: box.dir.appendingPathComponent("standby.log"), encoding: .utf8) {
        print("standbys of \(box.dir.lastPathComponent):\n\(log)")
    }
}

/// A spin's stdout with its spin's number, its task's time and its trace lines taken out, to compare two spins' reports.
private func report(_ text: String) -> String {
    text.split(separator: "\n").filter { !$0.contains("[trace ") }.joined(separator: "\n")
        .replacingOccurrences(of: #"spin-\d+"#, with: "spin-N", options: .regularExpression)
        .replacingOccurrences(of: #"in \d+\.\d+ s"#, with: "in N s", options: .regularExpression)
}

/// A sandbox with a completed RatingsFlow run and the standby a spin of `train` left.
private func ratingsSandboxWithStandby() async throws -> (Sandbox, pid_t) {
    let box = try ratingsSandbox()
    #expect(try box.run("RatingsFlow", spinTrain, environment: traced(box)).status == 0)
    let standby = try #require(await awaitStandby(box), "no standby was left behind")
    return (box, standby)
}

/// A sandbox with a completed FaultFlow run, a standby left by a spin of `right`, and the
/// environment under which `left` sleeps `seconds` (its time limit far longer).
private func faultSandbox(sleeping seconds: Int) async throws -> (Sandbox, [String: String], pid_t) {
    let box = try Sandbox()
    #expect(try box.run("FaultFlow", ["run"]).status == 0)
    let env = traced(box).merging(["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "\(seconds)"]) { $1 }
    #expect(try box.run("FaultFlow", ["spin", "right", "--no-rebuild"], environment: env).status == 0)
    let standby = try #require(await awaitStandby(box), "no standby was left behind")
    return (box, env, standby)
}

@Suite("A bare spin leaves a standby for the next")
struct ListeningStandbyTests {
    @Test("the next spin in the same place is run by the standby, with the same report, and leaves the next standby")
    func nextSpinTakesIt() async throws {
        let box = try ratingsSandbox()
        defer { endStandbys(box) }
        let first = try box.run("RatingsFlow", spinTrain, environment: traced(box))
        #expect(first.status == 0, "\(first.output)")
        #expect(!first.stderr.contains("standby took"), "\(first.stderr)")
        let standby = try #require(await awaitStandby(box), "no standby was left behind")

        let second = try box.run("RatingsFlow", spinTrain, environment: traced(box))
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stderr.contains("standby took a spin"), "\(second.stderr)")
        #expect(report(second.stdout) == report(first.stdout), "\(first.stdout)\n---\n\(second.stdout)")
        #expect(second.stdout.contains("spin-2"), "\(second.stdout)")
        let spins = try box.store().runs(flow: "RatingsFlow", spins: true)
        #expect(spins.map(\.status) == [.completed, .completed], "\(spins)")

        // The standby that took it ends; the next one waits in its place.
        let next = try #require(await awaitStandby(box, other: standby), "no standby after the second spin")
        #expect(next != standby)
        #expect(await eventually(within: 60) { hasEnded(standby) })
    }

    @Test("a spin the standby cannot take runs itself, exactly as without one")
    func refusals() async throws {
        let (box, standby) = try await ratingsSandboxWithStandby()
        defer { endStandbys(box) }

        // Another environment: another standby's business; this one is not even asked.
        let other = try box.run("RatingsFlow", spinTrain, environment: traced(box).merging(["RATINGS_NOTE": "x"]) { $1 })
        #expect(other.status == 0, "\(other.output)")
        #expect(!other.stderr.contains("standby took") && !other.stderr.contains("refused"), "\(other.stderr)")
        #expect(other.stderr.contains("parsed spin by hand"), "\(other.stderr)")

        // A line only ArgumentParser reads: refused, and the error reads as ArgumentParser's.
        let bad = try box.run("RatingsFlow", ["spin", "train", "--index", "one", "--no-rebuild"], environment: traced(box))
        #expect(bad.status == 64, "\(bad.output)")
        #expect(bad.stderr.contains("refused the spin: a command line for ArgumentParser"), "\(bad.stderr)")
        #expect(bad.stderr.contains("Error: The value 'one' is invalid for '--index <N[.N…]>'"), "\(bad.stderr)")
        #expect(standbyProcesses(in: box.dir, listening: true).contains(standby), "a refusal that is not final keeps the standby")

        // The store folder made again: the standby's database is another file; it refuses and ends.
        try FileManager.default.removeItem(at: box.storeRoot)
        #expect(try box.run("RatingsFlow", ["run"] + smallRatings).status == 0)
        let fresh = try box.run("RatingsFlow", spinTrain, environment: traced(box))
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(fresh.stderr.contains("is not the file the standby opened"), "\(fresh.stderr)")
        #expect(fresh.stdout.contains("spin-1"), "\(fresh.stdout)")
        #expect(await eventually(within: 60) { hasEnded(standby) })
    }

    @Test("a path through the client's own descriptors is not handed over: /dev/fd/1 is its stdout, not the standby's")
    func ownDescriptors() async throws {
        let (box, _) = try await ratingsSandboxWithStandby()
        defer { endStandbys(box) }
        let out = try box.run("RatingsFlow", spinTrain + ["--quiet", "--report", "/dev/fd/1"], environment: traced(box))
        #expect(out.status == 0, "\(out.output)")
        #expect(!out.stderr.contains("standby took") && !out.stderr.contains("refused"), "\(out.stderr)")
        #expect(out.stdout.contains("\"tasks\""), "the report went to this spin's stdout: \(out.stdout)")
        // And the store is whole: the report was not written over one of the standby's files.
        let runs = try box.run("RatingsFlow", ["runs", "--spins"])
        #expect(runs.status == 0 && runs.stdout.contains("spin-2"), "\(runs.output)")
    }

    @Test("a rebuilt binary is not served by the old one's standby: a newer file, or another file")
    func rebuiltBinary() async throws {
        let box = try Sandbox()
        defer { endStandbys(box) }
        let binary = box.dir.appendingPathComponent("HelloFlow")
        try copyProduct("HelloFlow", to: binary.path)
        let run = { (arguments: [String]) throws -> Outcome in try box.run(binary.path, arguments, environment: traced(box)) }
        #expect(try run(["run"]).status == 0)
        #expect(try run(["spin", "shout", "--no-rebuild"]).status == 0)
        let standby = try #require(await awaitStandby(box))
        // What a rebuild in place would do: the same file, newer. The standby is asked, refuses and ends.
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: binary.path)
        let newer = try run(["spin", "shout", "--no-rebuild"])
        #expect(newer.status == 0, "\(newer.output)")
        #expect(newer.stderr.contains("changed since the standby started"), "\(newer.stderr)")
        #expect(await eventually(within: 60) { hasEnded(standby) })

        // What a linker does: another file in its place, even with the same time. Its spins are not
        // sent to the standby the old file's spin left.
        let second = try #require(await awaitStandby(box, other: standby))
        let copy = box.dir.appendingPathComponent("HelloFlow.new")
        try FileManager.default.copyItem(at: binary, to: copy)
        try awaitExecutable(copy.path)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: copy.path)
        #expect(rename(copy.path, binary.path) == 0)
        let replaced = try run(["spin", "shout", "--no-rebuild"])
        #expect(replaced.status == 0, "\(replaced.output)")
        #expect(!replaced.stderr.contains("standby took") && !replaced.stderr.contains("refused"), "\(replaced.stderr)")
        #expect(!hasEnded(second), "the old binary's standby was not asked")
    }

    @Test("Ctrl-C reaches the standby's spin: it is cancelled, and the command exits 130")
    func interrupt() async throws {
        let (box, env, _) = try await faultSandbox(sleeping: 600)
        defer { endStandbys(box) }
        let spin = try await box.startSpinOfLeft(environment: env)
        kill(spin.process.processIdentifier, SIGINT)
        let out = spin.finish()
        #expect(out.status == 130, "\(out.output)")
        #expect(out.stderr.contains("standby took"), "\(out.stderr)")
        #expect(out.output.contains("cancelled"), "\(out.output)")
        #expect(try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled)
    }

    @Test("under nohup, a hangup leaves the standby's spin running to its end, as it would a spin run here")
    func hangupIgnored() async throws {
        let (box, env, _) = try await faultSandbox(sleeping: 30)
        defer { endStandbys(box) }
        let spin = try box.start("/usr/bin/nohup", [try product("FaultFlow"), "spin", "left", "--no-rebuild"], environment: env)
        // The hangup is sent from a thread of its own as soon as the spin's task runs: a test's turn
        // on the test pool came more than 30 s after that in a full run, once the spin had ended.
        let hungUp = try await offPool { () -> Bool in
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, box.executions()["left"] != 2 { usleep(20_000) }
            // Only while it runs: once reaped, its pid may be another process's.
            guard box.executions()["left"] == 2, spin.process.isRunning else { return false }
            kill(spin.process.processIdentifier, SIGHUP)
            return true
        }
        try #require(hungUp, "the spin's task did not start, or the spin ended before its hangup: \(box.executions())")
        let out = spin.finish()
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stderr.contains("standby took"), "\(out.stderr)")
        #expect(try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .completed)
    }

    @Test("a client killed outright: its spin is cancelled, not left running")
    func clientKilled() async throws {
        let (box, env, standby) = try await faultSandbox(sleeping: 600)
        defer { endStandbys(box) }
        let spin = try await box.startSpinOfLeft(environment: env)
        kill(spin.process.processIdentifier, SIGKILL)
        _ = spin.finish()
        let cancelled = await eventually { try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled }
        let spins = try box.store().runs(flow: "FaultFlow", spins: true)
        #expect(cancelled, "\(spins.map { "\($0.id) \($0.status)" })")
        #expect(await eventually { hasEnded(standby) && livingProcesses(command: "_task", containing: box.dir.path).isEmpty })
    }

    @Test("SPINDLE_STANDBY=0 leaves none; an idle standby ends by itself")
    func offAndIdle() async throws {
        let box = try ratingsSandbox()
        defer { endStandbys(box) }
        #expect(try box.run("RatingsFlow", spinTrain, environment: ["SPINDLE_STANDBY": "0"]).status == 0)
        // A standby is started before the spin's process exits: none now means none at all.
        #expect(standbyProcesses(in: box.dir, listening: false).isEmpty)
        #expect(try box.run("RatingsFlow", spinTrain, environment: ["SPINDLE_STANDBY_IDLE": "15"]).status == 0)
        #expect(!standbyProcesses(in: box.dir, listening: false).isEmpty)
        #expect(await eventually(within: 60) { standbyProcesses(in: box.dir, listening: false).isEmpty })
    }
}
