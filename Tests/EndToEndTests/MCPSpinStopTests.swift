import Foundation
import MCP
import SpindleStore
import Testing

/// A sandbox with one completed FaultFlow run, and the environment under
/// which a spin of its `left` step sleeps until stopped (FaultFlow's
/// `timeout` mode, with a time limit long past any test's).
private func sleepingSpinSandbox() throws -> (Sandbox, [String: String]) {
    let box = try Sandbox()
    let out = try box.run("FaultFlow", ["run"])
    guard out.status == 0 else { throw SupportError("FaultFlow run failed: \(out.output)") }
    // The task sleeps far longer than any test waits: on a loaded machine an async test
    // can be starved of the test pool's threads for tens of seconds (other tests block
    // them waiting on processes), and a 30 s sleep then ended before the test stopped it.
    return (box, ["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "600", "FAULT_SLEEP": "600", "FAULT_DIR": box.dir.path, "NO_COLOR": "1"])
}

/// Everything a stopped spin must leave: the spin recorded cancelled, no
/// spin command and no task process of this sandbox alive, no overrides
/// file in the store's tmp.
private func expectStopped(_ box: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let cancelled = await eventually { try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled }
    let spins = try box.store().runs(flow: "FaultFlow", spins: true)
    #expect(cancelled, "spins: \(spins.map { "\($0.id) \($0.status)" })", sourceLocation: sourceLocation)
    let gone = await eventually {
        livingProcesses(command: "_task", containing: box.dir.path).isEmpty && livingProcesses(command: "spin", containing: box.dir.path).isEmpty
    }
    #expect(gone, "still running: tasks \(livingProcesses(command: "_task", containing: box.dir.path)), spins \(livingProcesses(command: "spin", containing: box.dir.path))",
            sourceLocation: sourceLocation)
    for pid in livingProcesses(command: "_task", containing: box.dir.path) + livingProcesses(command: "spin", containing: box.dir.path) {
        kill(pid, SIGKILL)  // tidy up after a failure
    }
}

private func overridesFiles(_ box: Sandbox) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: box.storeRoot.appendingPathComponent("tmp").path)) ?? []).filter { $0.hasPrefix("mcp-") }
}

/// Starts a spin of FaultFlow's `left` (which then sleeps) through `mcp`,
/// and waits until its task is running.
private func startSleepingSpin(_ mcp: MCPSession, _ box: Sandbox) async throws -> RequestContext<CallTool.Result> {
    let request = CallTool.request(.init(name: "spin", arguments: ["flow": "FaultFlow", "step": "left", "overrides": ["size": 4]]))
    let context = try await mcp.client.send(request)
    let started = await eventually { box.executions()["left"] == 2 }  // once in the run, once in the spin
    try #require(started, "the spin's task did not start: \(box.executions())")
    #expect(overridesFiles(box).count == 1)
    return context
}

@Suite("The MCP server stops the spins it started")
struct MCPSpinStopTests {
    @Test("notifications/cancelled stops a spin and its task, recorded as cancelled")
    func cancel() async throws {
        let (box, env) = try sleepingSpinSandbox()
        let mcp = try await MCPSession(store: box.storeRoot, environment: env)
        let context = try await startSleepingSpin(mcp, box)
        try await mcp.client.cancelRequest(context.requestID, reason: "the user changed their mind")
        try await expectStopped(box)
        #expect(await eventually { overridesFiles(box).isEmpty }, "\(overridesFiles(box))")
        // The server goes on, and says what became of the spin.
        let spins = try await mcp.call("list_runs", #"{"flow":"FaultFlow","spins":true}"#)
        #expect(spins.text.contains("spin-1  cancelled"), "\(spins.text)")
        #expect(await mcp.close() == 0)
    }

    @Test("when the client goes away, the server ends its spins before it exits")
    func clientGone() async throws {
        let (box, env) = try sleepingSpinSandbox()
        let mcp = try await MCPSession(store: box.storeRoot, environment: env)
        _ = try await startSleepingSpin(mcp, box)
        #expect(await mcp.close() == 0)
        // Nothing is left to wait for: the server waited for its spin to stop.
        #expect(try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled)
        try await expectStopped(box)
        #expect(overridesFiles(box).isEmpty, "\(overridesFiles(box))")
    }

    @Test("SIGTERM to the server ends its spins before it exits")
    func serverTerminated() async throws {
        let (box, env) = try sleepingSpinSandbox()
        let mcp = try await MCPSession(store: box.storeRoot, environment: env)
        _ = try await startSleepingSpin(mcp, box)
        kill(mcp.process.processIdentifier, SIGTERM)
        mcp.process.waitUntilExit()
        #expect(mcp.process.terminationReason == .exit && mcp.process.terminationStatus == 0)
        #expect(try box.store().runs(flow: "FaultFlow", spins: true).first?.status == .cancelled)
        try await expectStopped(box)
        #expect(overridesFiles(box).isEmpty, "\(overridesFiles(box))")
    }

    @Test("a server killed outright takes its spins with it; the next one removes the overrides file it left")
    func serverKilled() async throws {
        let (box, env) = try sleepingSpinSandbox()
        let mcp = try await MCPSession(store: box.storeRoot, environment: env)
        _ = try await startSleepingSpin(mcp, box)
        kill(mcp.process.processIdentifier, SIGKILL)
        mcp.process.waitUntilExit()
        try await expectStopped(box)
        #expect(overridesFiles(box).count == 1)  // no one was left to remove it
        let next = try await MCPSession(store: box.storeRoot)
        #expect(overridesFiles(box).isEmpty, "\(overridesFiles(box))")
        #expect(await next.close() == 0)
    }
}

@Suite("Stopping a spin from outside")
struct SpinSignalTests {
    @Test("SIGTERM stops a spin as Ctrl-C does: its task ends and the spin is recorded cancelled")
    func sigterm() async throws {
        let (box, env) = try sleepingSpinSandbox()
        let spin = try await box.startSpinOfLeft(environment: env)
        kill(spin.process.processIdentifier, SIGTERM)
        let out = spin.finish()
        #expect(out.status == 130, "\(out.output)")
        #expect(out.output.contains("cancelled"), "\(out.output)")
        try await expectStopped(box)
    }
}
