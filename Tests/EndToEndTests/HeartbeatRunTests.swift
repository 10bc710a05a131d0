import Foundation
import Testing
import SpindleStore

@Suite("The runtime's heartbeat")
struct HeartbeatRunTests {
    @Test("a running run's heartbeat advances while it runs", .timeLimit(.minutes(10)))
    func advances() throws {
        let box = try Sandbox()
        let running = try box.start("FaultFlow", ["run"], environment: [
            "FAULT_MODE": "timeout", "FAULT_TIMEOUT": "30", "FAULT_SLEEP": "3", "SPINDLE_HEARTBEAT_SECONDS": "0.2"])
        var beats: [Date] = []
        let started = Date()
        while Date().timeIntervalSince(started) < 60, beats.count < 3 {
            if let store = try? box.store(), let run = try store.runs(flow: "FaultFlow").first, run.status == .running,
               let beat = run.heartbeat, beat != beats.last {
                beats.append(beat)
            }
            usleep(100_000)
        }
        let out = running.finish()
        #expect(out.status == 0, "\(out.output)")
        #expect(beats.count >= 3, "heartbeats seen: \(beats)")
        #expect(zip(beats, beats.dropFirst()).allSatisfy { $0 < $1 })
    }
}
