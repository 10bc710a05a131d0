import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// Runs a spin as the command line asked: `SpinCommand` fills the
/// invocation from ArgumentParser, `SpinInvocation(parsing:)` from a plain
/// command line without ArgumentParser's reflection (see `DirectDispatch`).
extension SpinInvocation {
    /// The store a spin used, kept open until the process exits (see ``run()``).
    nonisolated(unsafe) static var keptOpen: Store?

    func run() throws {
        Trace.mark("spin: arguments parsed")
        let graph = Spindle.graph
        let step = try resolveStep(self.step, at: at, graph: graph)
        var overrides = OverrideParser()
        for s in sets { try overrides.add(s, fromFile: false) }
        for s in setFiles { try overrides.add(s, fromFile: true) }
        if let overridesFile { try overrides.add(contentsOf: overridesFile) }
        var request = SpinRequest(step: step, index: index, allSplits: allSplits, overrides: overrides.overrides.all,
                                  parentOverrides: overrides.overrides.byInput, withDecorators: withDecorators, noTimeout: noTimeout,
                                  tolerance: Tolerance(absolute: atol, relative: rtol),
                                  maxWorkers: maxWorkers ?? ProcessInfo.processInfo.activeProcessorCount)
        if let sourceRun {
            guard let id = RunID(sourceRun), !id.isSpin else { throw ValidationError("--run '\(sourceRun)' is not a run id (use --after for spins)") }
            request.run = id
        }
        // A shared store's run: mirrored here first (no network when already mirrored and finished).
        var remoteName = from
        if case .remote(let name, _)? = request.run {
            if let from, from != name { throw ValidationError("--run \(sourceRun ?? "") names store '\(name)', --from names '\(from)'") }
            remoteName = name
        }
        if let task { request.task = try flowPathspec(task, flow: graph.flow.name) }
        if let after {
            let text = after.hasPrefix("spin-") ? after : (after.split(separator: "/").first { $0.hasPrefix("spin-") }.map(String.init) ?? after)
            guard let id = RunID(text), id.isSpin else { throw ValidationError("--after '\(after)' is not a spin id (like spin-3)") }
            request.after = id
        }
        if !noRebuild { try rebuildIfStale(graph: graph) }
        let store = try Spindle.takePreopenedStore(named: store) ?? StoreOptions.open(store, creating: remoteName != nil)
        // A bare spin leaves a process waiting for the next one (``ListeningStandby``).
        ListeningStandby.leaveBehind(store: store.address)
        if let remoteName {
            let mirrored = try RemoteRuns.mirror(flow: graph.flow.name, run: request.run, from: remoteName, into: store)
            request.run = mirrored.id
        }
        let console = Console(echoTaskOutput: !quiet && !json)
        guard let choice = ExecutorChoice(rawValue: executor ?? "local") else {
            throw ValidationError("--executor '\(executor ?? "")' is not an executor: local or slurm")
        }
        var executor = try choice.make(binary: currentExecutable())
        if debug { executor = try debuggerExecutor(step: step, graph: graph) }
        if executor == nil, let prepared = Spindle.preparedTask {
            executor = SubprocessExecutor(binary: currentExecutable(), prepared: prepared)
        }
        let engine = SpinEngine(graph: graph, store: store, executor: executor, console: console)
        Trace.mark("spin: store open")
        let plan = try engine.plan(request)
        Trace.mark("spin: planned")
        for warning in plan.warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if !json {
            let what = plan.tasks.count == 1 ? graph.shape.describe(plan.tasks[0].splits) : "(\(plan.tasks.count) splits)"
            var line = "spinning \(step)\(what.isEmpty ? "" : " " + what) on \(plan.source.pathspec)"
            if let a = request.after { line += " after \(graph.flow.name)/\(a)" }
            let changes = overrides.overrides.summaries()
            if !changes.isEmpty { line += " with " + changes.joined(separator: ", ") }
            console.line(line)
        }
        let finalRequest = request
        // Ctrl-C or SIGTERM (the MCP server stopping it, or its own parent gone)
        // ends the step's process; the spin is recorded as cancelled and we exit 130.
        let registry = ChildRegistry()
        let interrupted = InterruptFlag()
        // Under an interactive debugger Ctrl-C is the debugger's (it stops the step); only SIGTERM ends the spin.
        let watch = SignalWatch(debug && debuggerCommands == nil ? [SIGTERM] : [SIGINT, SIGTERM]) { _ in
            interrupted.set()
            registry.killAll(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { registry.killAll(SIGKILL) }
        }
        endWithParent()
        let outcome = try runBlocking { try await engine.run(plan, finalRequest, registry: registry) }
        Trace.mark("spin: ran, recorded and diffed")
        store.settle()
        // Left open: the process exits right after. Closing it here (GRDB's close removes its
        // NotificationCenter observers: Foundation's first use) took 0.25 ms before the spin
        // could say it ended; the kernel closes the file, and a close folds nothing (CSQLite).
        SpinInvocation.keptOpen = store
        watch.stop()
        if let report {
            try SpinReport(outcome, shape: graph.shape).write(to: report)
        }
        if interrupted.isSet {
            try store.finishRun(flow: outcome.run.flow, id: outcome.run.id, status: .cancelled, error: "cancelled (Ctrl-C or SIGTERM)")
            console.line("spin \(outcome.run.pathspec) cancelled")
            throw ExitCode(130)
        }
        print(json ? try SpinReport(outcome, shape: graph.shape).json(pretty: true) : describe(outcome, console: console, shape: graph.shape))
        if !outcome.succeeded { throw ExitCode.failure }
        if failOnDiff && outcome.changed { throw ExitCode(3) }
    }
}
extension SpinInvocation {
    /// The executor for `--debug`: the chosen debugger, stopping at the step body's first line.
    func debuggerExecutor(step: String, graph: FlowGraph) throws -> any TaskExecutor {
        guard !allSplits else { throw ValidationError("--debug runs one task; leave out --all-splits and pick a split with --index") }
        guard executor == nil || executor == "local" else { throw ValidationError("--debug runs the task here; leave out --executor") }
        var requested: DebuggerExecutor.Debugger?
        if let debugger {
            guard let d = DebuggerExecutor.Debugger(rawValue: debugger) else {
                throw ValidationError("--debugger '\(debugger)' is not one of gdb, lldb, wait")
            }
            requested = d
        }
        if let debuggerCommands, !FileManager.default.isReadableFile(atPath: debuggerCommands) {
            throw ValidationError("--debugger-commands: cannot read \(debuggerCommands)")
        }
        let chosen = try DebuggerExecutor.choose(requested) { FileHandle.standardError.write(Data("note: \($0)\n".utf8)) }
        guard let shape = graph.shape.step(step) else { throw ValidationError("the flow has no step '\(step)'") }
        let source = try StepSource(shape)
        FileHandle.standardError.write(Data("debugging \(step) under \(chosen.rawValue), stopped at \(source.file):\(source.firstBodyLine)\n".utf8))
        return DebuggerExecutor(binary: currentExecutable(), debugger: chosen, file: source.file, line: source.firstBodyLine,
                                commands: debuggerCommands)
    }
}

/// Set from a signal handler, read after the work it interrupted.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
