import Foundation
import Synchronization
import Testing
import SpindleStore

/// Everything a user might do at once on one store: two flows running, a
/// spin from the command line, a scripted shell that spins, and two shells on
/// terminals typing lines. SQLite in WAL mode with a busy timeout must keep
/// them all apart: no "database is locked", no lost run, no lost history line.
@Suite("Everything at once on one store")
struct ConcurrencyTests {
    @Test("two flows, a spin, a spinning shell and two terminal shells at once, three rounds",
          .timeLimit(.minutes(10)))
    func together() throws {
        let box = try ratingsSandbox()
        let rounds = 3
        let outcomes = Mutex<[String: Outcome]>([:])
        let failures = Mutex<[String]>([])
        for round in 0..<rounds {
            let group = DispatchGroup()
            func launch(_ name: String, _ body: @escaping @Sendable () throws -> Outcome) {
                group.enter()
                DispatchQueue.global().async {
                    do {
                        let outcome = try body()
                        outcomes.withLock { $0["\(name) \(round)"] = outcome }
                    } catch { failures.withLock { $0.append("\(name) \(round): \(error)") } }
                    group.leave()
                }
            }
            launch("hello") { try box.run("HelloFlow", ["run"]) }
            launch("ratings") { try box.run("RatingsFlow", KillTests.args) }
            launch("spin") { try box.run("RatingsFlow", ["spin", "train", "--run", "1", "--index", "1", "--quiet", "--no-rebuild"]) }
            launch("shell") {
                try box.runWithInput("spindle", ["shell", "RatingsFlow/1"], input: "focus train 2\ninput = 0.25\nspin\ndiff\nruns\n")
            }
            for who in ["a", "b"] {
                launch("terminal \(who)") {
                    let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path, "RatingsFlow/1"],
                                                  directory: box.dir)
                    guard term.waitFor("RatingsFlow/1> ") else { throw SupportError("no prompt: \(term.text)") }
                    for i in 0..<5 {
                        let mark = term.length
                        term.type("\(who)\(round)_\(i) = \(i)\r")
                        guard term.waitFor("\(who)\(round)_\(i) = Int \(i)", after: mark) else { throw SupportError("no answer: \(term.text)") }
                    }
                    term.type("\u{04}")
                    let status = term.waitForExit() ?? -1
                    return Outcome(status: status, stdout: term.text, stderr: "")
                }
            }
            group.wait()
        }
        #expect(failures.withLock { $0 } == [])
        for (name, outcome) in outcomes.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            #expect(outcome.status == 0, "\(name): \(outcome.output)")
            #expect(!outcome.output.lowercased().contains("locked"), "\(name): \(outcome.output)")
            #expect(!outcome.output.lowercased().contains("busy"), "\(name): \(outcome.output)")
        }
        let store = try box.store()
        #expect(try store.integrityCheck() == ["ok"])
        for hash in try store.blobs.allHashes() { _ = try store.blobs.get(hash) }
        let hello = try store.runs(flow: "HelloFlow")
        let ratings = try store.runs(flow: "RatingsFlow")
        let spins = try store.runs(flow: "RatingsFlow", spins: true)
        #expect(hello.count == rounds && hello.allSatisfy { $0.status == .completed })
        #expect(ratings.count == rounds + 1 && ratings.allSatisfy { $0.status == .completed })
        #expect(spins.count == 2 * rounds && spins.allSatisfy { $0.status == .completed }, "\(spins.map(\.statusText))")
        // Both terminals' lines are all in the one history file.
        let history = try String(contentsOf: box.storeRoot.appendingPathComponent("history"), encoding: .utf8)
        let lines = Set(history.split(separator: "\n").map(String.init))
        for who in ["a", "b"] {
            for round in 0..<rounds {
                for i in 0..<5 { #expect(lines.contains("\(who)\(round)_\(i) = \(i)"), "\(who)\(round)_\(i) lost from \(lines)") }
            }
        }
    }
}
