import Foundation
import Testing
import SpindleStore
import SpindleValue

/// Kills the runtime with SIGKILL at random instants; after each kill the
/// store must open, pass SQLite's integrity check, hold only blobs that match
/// their names, list the run as unfinished (or completed), and resume to the
/// same final artifacts as an uninterrupted run.
@Suite("Killing the runtime")
struct KillTests {
    static let args = ["run", "--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]
    /// A run that trains long enough (about 1.5 s, debug build) for kills to land inside it.
    /// Training of ~0.5 s (debug build): long enough to find a task process to kill, short enough for eight runs and resumes.
    static let taskKillArgs = ["run", "--users", "200", "--items", "100", "--per_user", "20", "--epochs", "80"]
    static let longArgs = ["run", "--users", "200", "--items", "100", "--per_user", "20", "--epochs", "400"]

    func finalHashes(_ store: Store, run: RunID) throws -> [String: String] {
        let end = try #require(try store.tasks(flow: "RatingsFlow", run: run, step: "end").first { $0.status == .completed })
        return Dictionary(uniqueKeysWithValues: try store.artifacts(of: end.pathspec).map { ($0.name, $0.hash) })
    }

    @Test("SIGKILL at random instants: nothing lost, nothing wrong, resume completes the same", .timeLimit(.minutes(10)))
    func kills() throws {
        let box = try Sandbox()
        let started = DispatchTime.now().uptimeNanoseconds
        #expect(try box.run("RatingsFlow", Self.longArgs).status == 0)
        // Kill instants fall within a run, which the first run measures: a run of `args` now
        // ends in a tenth of a second, sooner than a kill could be aimed at it.
        let runMicroseconds = Int((DispatchTime.now().uptimeNanoseconds - started) / 1000)
        let reference = try finalHashes(try box.store(), run: .number(1))
        var g = SystemRandomNumberGenerator()
        let kills = Int(ProcessInfo.processInfo.environment["SPINDLE_KILLS"] ?? "") ?? 8
        var resumedCount = 0
        for k in 0..<kills {
            let running = try box.start("RatingsFlow", Self.longArgs)
            usleep(useconds_t(Int.random(in: (runMicroseconds / 10)...(runMicroseconds * 3 / 4), using: &g)))
            if running.process.isRunning { kill(running.process.processIdentifier, SIGKILL) }  // once reaped, its pid may be another's
            _ = running.finish()
            usleep(300_000)  // let orphaned task processes finish their writes
            let store = try box.store()
            #expect(try store.integrityCheck() == ["ok"], "kill \(k)")
            for hash in try store.blobs.allHashes() { _ = try store.blobs.get(hash) }  // verifies each hash
            let run = try #require(try store.runs(flow: "RatingsFlow").first)
            #expect(run.status == .completed || run.isAbandoned, "kill \(k): \(run.status)")
            if run.isAbandoned {
                let shown = try box.run("RatingsFlow", ["show", run.id.description])
                #expect(shown.stdout.contains("unfinished"), "\(shown.stdout)")
                let resumed = try box.run("RatingsFlow", ["resume", "--origin", run.id.description])
                #expect(resumed.status == 0, "kill \(k): \(resumed.output)")
                let latest = try #require(try store.runs(flow: "RatingsFlow").first)
                #expect(try finalHashes(store, run: latest.id) == reference, "kill \(k)")
                resumedCount += 1
            }
        }
        // Kills land mid-run (a run takes longer than the longest wait), so resume is exercised.
        #expect(resumedCount > 0)
        print("kill test: \(kills) kills, \(resumedCount) left the run unfinished and were resumed")
    }

    /// The process ids of `parent`'s children whose command line holds `word`.
    static func children(of parent: pid_t, with word: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm) ": state, then the parent's pid.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == parent,
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"),
                  String(decoding: cmdline, as: UTF8.self).contains(word) else { return nil }
            return pid
        }
    }

    @Test("SIGKILL of a task process: a failed task with the signal named, or a retry; resume completes the same",
          .timeLimit(.minutes(10)))
    func taskKills() throws {
        let box = try Sandbox()
        // Training long enough that a task is there to kill: with Self.args a whole run now takes
        // ~0.1 s, and under a loaded CI run all eight tries once came too late (killed == 0).
        let args = Self.taskKillArgs
        let began = Date()
        #expect(try box.run("RatingsFlow", args).status == 0)
        let measured = Date().timeIntervalSince(began)
        let reference = try finalHashes(try box.store(), run: .number(1))
        var g = SystemRandomNumberGenerator()
        let kills = Int(ProcessInfo.processInfo.environment["SPINDLE_KILLS"] ?? "") ?? 8
        var killed = 0, failedRuns = 0
        for k in 0..<kills {
            let running = try box.start("RatingsFlow", args)
            let runtime = running.process.processIdentifier
            // A random instant within the first half of a run, as the reference run measured it.
            usleep(useconds_t(Int.random(in: 0...max(1, Int(measured * 500_000)), using: &g)))
            // Wait for a task to be running, then kill it.
            var victim: pid_t?
            for _ in 0..<400 where victim == nil && running.process.isRunning {
                victim = Self.children(of: runtime, with: "_task").randomElement(using: &g)
                if victim == nil { usleep(1_000) }
            }
            if let victim { kill(victim, SIGKILL); killed += 1 }
            let outcome = running.finish()
            let store = try box.store()
            #expect(try store.integrityCheck() == ["ok"], "kill \(k)")
            for hash in try store.blobs.allHashes() { _ = try store.blobs.get(hash) }
            let run = try #require(try store.runs(flow: "RatingsFlow").first)
            if run.status == .failed {
                failedRuns += 1
                #expect(outcome.status != 0)
                let failed = try store.tasks(flow: "RatingsFlow", run: run.id).filter { $0.status == .failed }
                #expect(failed.contains { ($0.error ?? "").contains("killed by signal 9 (SIGKILL)") }, "kill \(k): \(failed)")
                #expect(outcome.output.contains("SIGKILL"), "kill \(k): \(outcome.output)")
                let resumed = try box.run("RatingsFlow", ["resume", "--origin", run.id.description])
                #expect(resumed.status == 0, "kill \(k): \(resumed.output)")
                let latest = try #require(try store.runs(flow: "RatingsFlow").first)
                #expect(try finalHashes(store, run: latest.id) == reference, "kill \(k)")
            } else {
                // The kill missed, or hit a step with a retry left.
                #expect(run.status == .completed, "kill \(k): \(run.status) \(outcome.output)")
                #expect(try finalHashes(store, run: run.id) == reference, "kill \(k)")
            }
        }
        #expect(killed > 0)
        print("task kill test: \(kills) runs, \(killed) task processes killed, \(failedRuns) runs failed and were resumed")
    }
}
