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

    func finalHashes(_ store: Store, run: RunID) throws -> [String: String] {
        let end = try #require(try store.tasks(flow: "RatingsFlow", run: run, step: "end").first { $0.status == .completed })
        return Dictionary(uniqueKeysWithValues: try store.artifacts(of: end.pathspec).map { ($0.name, $0.hash) })
    }

    @Test("SIGKILL at random instants: nothing lost, nothing wrong, resume completes the same", .timeLimit(.minutes(5)))
    func kills() throws {
        let box = try Sandbox()
        #expect(try box.run("RatingsFlow", Self.args).status == 0)
        let reference = try finalHashes(try box.store(), run: .number(1))
        var g = SystemRandomNumberGenerator()
        let kills = Int(ProcessInfo.processInfo.environment["SPINDLE_KILLS"] ?? "") ?? 8
        var resumedCount = 0
        for k in 0..<kills {
            let running = try box.start("RatingsFlow", Self.args)
            usleep(useconds_t(Int.random(in: 0...400_000, using: &g)))
            kill(running.process.processIdentifier, SIGKILL)
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
}
