import Foundation
import Testing
@testable import SpindleStore

@Suite("Runs on other machines: the heartbeat")
struct HeartbeatTests {
    @Test("a run running on another machine is abandoned only once its heartbeat has stopped; here, its process decides")
    func abandoned() throws {
        let (store, _) = try temporaryStore()
        let run = try store.createRun(.init(flow: "F"))
        #expect(try store.run(flow: "F", id: run.id).heartbeat != nil)
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned, "this process is alive")
        // Recorded by another machine: its process cannot be checked from here.
        try store.write { try $0.execute(sql: "UPDATE runs SET host = 'elsewhere', pid = 1") }
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned, "a fresh heartbeat: alive")
        try store.beat(flow: "F", id: run.id, at: Date().addingTimeInterval(-(Store.heartbeatTimeout + 5)))
        #expect(try store.run(flow: "F", id: run.id).isAbandoned, "a heartbeat that stopped: abandoned")
        try store.beat(flow: "F", id: run.id)
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned)
        // An older Spindle's run (no heartbeat) on another machine is never called gone.
        try store.write { try $0.execute(sql: "UPDATE runs SET heartbeat = NULL") }
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned)
        // A finished run has no heartbeat to give.
        try store.finishRun(flow: "F", id: run.id, status: .completed)
        try store.beat(flow: "F", id: run.id)
        #expect(try store.run(flow: "F", id: run.id).heartbeat == nil)
    }

    @Test("a run whose pid now names a process that started after it was recorded is abandoned once its heartbeat stops")
    func pidHandedOutAgain() throws {
        let (store, _) = try temporaryStore()
        let run = try store.createRun(.init(flow: "F"))
        let stale = Date().addingTimeInterval(-(Store.heartbeatTimeout + 5))
        // This process started before the run was recorded: its run, alive, even with a stopped
        // heartbeat (a spin does not beat; a stopped runtime cannot).
        try store.beat(flow: "F", id: run.id, at: stale)
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned, "the run's own process")
        // Recorded long before this process started: the pid was the run's process's, and has
        // been handed to this one since.
        try store.write { try $0.execute(sql: "UPDATE runs SET started = 1000000") }
        #expect(try store.run(flow: "F", id: run.id).isAbandoned, "another process with the run's pid, no heartbeat")
        // While the heartbeat beats, the run is alive whatever the clocks say.
        try store.beat(flow: "F", id: run.id)
        #expect(try !store.run(flow: "F", id: run.id).isAbandoned, "a beating run is never abandoned")
        #expect(try store.run(flow: "F", id: run.id).statusText == "running")
    }

    @Test("a process's start, read from /proc, is before now and after the machine booted")
    func processStart() throws {
        let began = try #require(ProcessStartTime.of(getpid()))
        #expect(began <= Date())
        #expect(Date().timeIntervalSince(began) < 24 * 3600, "this test process started today: \(began)")
        #expect(ProcessStartTime.of(-1) == nil)
    }
}
