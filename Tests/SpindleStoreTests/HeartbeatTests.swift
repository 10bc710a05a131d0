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
}
