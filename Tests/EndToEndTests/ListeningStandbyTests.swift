import Foundation
import SpindleStore
import Testing

/// The spin a test repeats, traced: a standby that takes it says so on the spin's stderr.
private let spinTrain = ["spin", "train", "--index", "1", "--set", "input=0.2", "--no-rebuild"]
private let traced = ["SPINDLE_TRACE": "1"]

/// Waits for the standby a spin in `box` left, other than `previous`.
private func awaitStandby(_ box: Sandbox, other previous: pid_t? = nil) async -> pid_t? {
    var found: pid_t?
    _ = await eventually(within: 60) {
        found = listeningStandby(in: box.dir)
        return found != nil && found != previous
    }
    return found == previous ? nil : found
}

/// A spin's stdout with its spin's number and its task's trace lines taken out, to compare two spins' reports.
private func report(_ text: String) -> String {
    text.split(separator: "\n").filter { !$0.contains("[trace ") }.joined(separator: "\n")
        .replacingOccurrences(of: #"spin-\d+"#, with: "spin-N", options: .regularExpression)
}

@Suite("A bare spin leaves a standby for the next")
struct ListeningStandbyTests {
    @Test("the next spin in the same place is run by the standby, with the same report, and leaves the next standby")
    func nextSpinTakesIt() async throws {
        let box = try ratingsSandbox()
        let first = try box.run("RatingsFlow", spinTrain, environment: traced)
        #expect(first.status == 0, "\(first.output)")
        #expect(!first.stderr.contains("standby took"), "\(first.stderr)")
        let standby = try #require(await awaitStandby(box), "no standby was left behind")

        let second = try box.run("RatingsFlow", spinTrain, environment: traced)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stderr.contains("standby took a spin"), "\(second.stderr)")
        #expect(report(second.stdout) == report(first.stdout), "\(first.stdout)\n---\n\(second.stdout)")
        #expect(second.stdout.contains("spin-2"), "\(second.stdout)")
        let spins = try box.store().runs(flow: "RatingsFlow", spins: true)
        #expect(spins.map(\.status) == [.completed, .completed], "\(spins)")

        // The standby that took it ends; the next one waits in its place.
        let next = try #require(await awaitStandby(box, other: standby), "no standby after the second spin")
        #expect(next != standby)
        #expect(await eventually(within: 30) { hasEnded(standby) })
        kill(next, SIGTERM)
    }

    @Test("a spin the standby cannot take runs itself, exactly as without one")
    func refusals() async throws {
        let box = try ratingsSandbox()
        #expect(try box.run("RatingsFlow", spinTrain, environment: traced).status == 0)
        let standby = try #require(await awaitStandby(box))

        // Another environment: another standby's business; this one is not even asked.
        let other = try box.run("RatingsFlow", spinTrain, environment: traced.merging(["RATINGS_NOTE": "x"]) { $1 })
        #expect(other.status == 0, "\(other.output)")
        #expect(!other.stderr.contains("standby took"), "\(other.stderr)")
        #expect(other.stderr.contains("parsed spin by hand"), "\(other.stderr)")

        // A line only ArgumentParser reads: refused, and the error reads as ArgumentParser's.
        #expect(listeningStandby(in: box.dir) == standby)
        let bad = try box.run("RatingsFlow", ["spin", "train", "--index", "one", "--no-rebuild"], environment: traced)
        #expect(bad.status == 64, "\(bad.output)")
        #expect(!bad.stderr.contains("standby took"), "\(bad.stderr)")
        #expect(bad.stderr.contains("Error: The value 'one' is invalid for '--index <N[.N…]>'"), "\(bad.stderr)")
        #expect(listeningStandby(in: box.dir) == standby, "a refusal that is not final keeps the standby")

        // The store folder made again: the standby's database is another file; it refuses and ends.
        try FileManager.default.removeItem(at: box.storeRoot)
        #expect(try box.run("RatingsFlow", ["run"] + smallRatings).status == 0)
        let fresh = try box.run("RatingsFlow", spinTrain, environment: traced)
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(!fresh.stderr.contains("standby took"), "\(fresh.stderr)")
        #expect(fresh.stdout.contains("spin-1"), "\(fresh.stdout)")
        #expect(await eventually(within: 30) { hasEnded(standby) })
        if let next = await awaitStandby(box, other: standby) { kill(next, SIGTERM) }
    }

    @Test("a rebuilt binary is not served by the old one's standby")
    func rebuiltBinary() async throws {
        let box = try Sandbox()
        let binary = box.dir.appendingPathComponent("HelloFlow")
        try FileManager.default.copyItem(atPath: try product("HelloFlow"), toPath: binary.path)
        let run = { (arguments: [String]) throws -> Outcome in
            try box.run(binary.path, arguments, environment: traced)
        }
        #expect(try run(["run"]).status == 0)
        #expect(try run(["spin", "shout", "--no-rebuild"]).status == 0)
        let standby = try #require(await awaitStandby(box))
        // What a rebuild does to the file: it is newer.
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: binary.path)
        let after = try run(["spin", "shout", "--no-rebuild"])
        #expect(after.status == 0, "\(after.output)")
        #expect(!after.stderr.contains("standby took"), "\(after.stderr)")
        #expect(await eventually(within: 30) { hasEnded(standby) })
        if let next = await awaitStandby(box, other: standby) { kill(next, SIGTERM) }
    }

    @Test("Ctrl-C reaches the standby's spin: it is cancelled, and the command exits 130")
    func interrupt() async throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let env = traced.merging(["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "600"]) { $1 }
        #expect(try box.run("FaultFlow", ["spin", "right", "--no-rebuild"], environment: env).status == 0)
        _ = try #require(await awaitStandby(box))
        let spin = try box.start("FaultFlow", ["spin", "left", "--no-rebuild"], environment: env)
        let started = await eventually { box.executions()["left"] == 2 }  // once in the run, once in the spin
        try #require(started, "the spin's task did not start: \(box.executions())")
        kill(spin.process.processIdentifier, SIGINT)
        let out = spin.finish()
        #expect(out.status == 130, "\(out.output)")
        #expect(out.stderr.contains("standby took"), "\(out.stderr)")
        #expect(out.output.contains("cancelled"), "\(out.output)")
        #expect(try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled)
        if let next = await awaitStandby(box) { kill(next, SIGTERM) }
    }

    @Test("a client killed outright: its spin is cancelled, not left running")
    func clientKilled() async throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        let env = traced.merging(["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "600"]) { $1 }
        #expect(try box.run("FaultFlow", ["spin", "right", "--no-rebuild"], environment: env).status == 0)
        let standby = try #require(await awaitStandby(box))
        let spin = try box.start("FaultFlow", ["spin", "left", "--no-rebuild"], environment: env)
        let started = await eventually { box.executions()["left"] == 2 }
        try #require(started, "the spin's task did not start: \(box.executions())")
        kill(spin.process.processIdentifier, SIGKILL)
        _ = spin.finish()
        let cancelled = await eventually { try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled }
        let spins = try box.store().runs(flow: "FaultFlow", spins: true)
        #expect(cancelled, "\(spins.map { "\($0.id) \($0.status)" })")
        #expect(await eventually { hasEnded(standby) && livingProcesses(command: "_task", containing: box.dir.path).isEmpty })
        if let next = await awaitStandby(box, other: standby) { kill(next, SIGTERM) }
    }

    @Test("SPINDLE_STANDBY=0 leaves none; an idle standby ends by itself")
    func offAndIdle() async throws {
        let box = try ratingsSandbox()
        #expect(try box.run("RatingsFlow", spinTrain, environment: ["SPINDLE_STANDBY": "0"]).status == 0)
        try await Task.sleep(for: .seconds(1))
        #expect(listeningStandby(in: box.dir) == nil)
        #expect(try box.run("RatingsFlow", spinTrain, environment: ["SPINDLE_STANDBY_IDLE": "1"]).status == 0)
        let standby = try #require(await awaitStandby(box))
        #expect(await eventually(within: 30) { hasEnded(standby) })
    }
}
