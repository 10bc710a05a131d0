import Foundation
import SpindleStore
import SpindleValue
import Synchronization

/// Runs one task inside the task process: reads its inputs from the store
/// (or takes them from its runtime, ``TaskHandoff``), runs the step's body,
/// and records its outputs (or its failure) in one transaction (or hands
/// their rows to its runtime to commit). The runtime starts one such process
/// per task attempt.
public enum TaskProcess {
    /// Exit codes the runtime reads.
    public static let failedExitCode: Int32 = 1
    public static let setupExitCode: Int32 = 2

    /// The stores task processes opened. A task process ends with `_exit`
    /// once its work is committed, so its store is never deallocated: GRDB's
    /// deinit unregisters notification observers through a first dynamic
    /// cast into Foundation, 1 % of a foreach's CPU for nothing.
    static let keptUntilExit = Mutex<[Store]>([])

    /// In a process forked ahead of its task (a spin's prepared one, a
    /// standby's, the fork server's standing ones), while it waits: opens the
    /// store at `address`, runs the reads a task of `flow` starts with on it
    /// (``warmReads(_:flow:)``), and keeps it for the task, which uses it
    /// when it names the same store. A store that will not open is left to
    /// the task to report.
    ///
    /// `lazily` (a fork server's standing process, whose task will most
    /// likely be handed its inputs: ``TaskHandoff``) readies an embedded
    /// store without opening its database, which is opened if the task needs it.
    public static func prepareStore(_ address: StoreAddress, flow: String, lazily: Bool = false) {
        let lazy = lazily && !address.isShared
        guard let store = try? address.open(creating: false, forTask: true, database: lazy ? .onFirstUse : .now) else { return }
        if !lazy { warmReads(store, flow: flow) }
        preopened.withLock { $0 = store }
    }
    static let preopened = Mutex<Store?>(nil)

    /// Whether a store at `address` is ready for this process's task (``prepareStore(_:flow:lazily:)``).
    static func hasPrepared(_ address: String) -> Bool {
        preopened.withLock { $0?.address == address }
    }

    /// Runs, on `store`'s connection, the reads a task of `flow` starts with
    /// (its run, its own row, a parent's artifacts) for a task that does not
    /// exist, so that the schema is parsed and those statements compiled
    /// before the task needs them (~0.35 ms off the task's start).
    static func warmReads(_ store: Store, flow: String) {
        let nothing = Pathspec(flow: flow, run: .number(0), step: "start", task: 0)
        _ = try? store.run(flow: flow, id: .number(0))
        _ = try? store.task(nothing)
        _ = try? store.artifacts(of: nothing)
    }

    /// Runs the task and returns the process's exit code. Meant for a task
    /// process, which exits next: the store it opens stays open until then.
    public static func execute(_ inv: TaskInvocation, graph: FlowGraph) async -> Int32 {
        let store: Store
        let step: Step
        let context: TaskContext
        Trace.mark("task process \(inv.pathspec) started")
        // Inputs its runtime handed over with the fork request, if they are this task's.
        let handed = TaskHandoff.received.flatMap(TaskHandoff.Inputs.init(decoding:)).flatMap { $0.pathspec == inv.pathspec ? $0 : nil }
        if TaskHandoff.received != nil { TaskHandoff.received = nil }
        do {
            // The runtime (or spin command) that started this task opened and checked the store.
            if let ready = preopened.withLock({ s in defer { s = nil }; return s }), ready.address == inv.store {
                store = ready
            } else {
                store = try StoreAddress(parsing: inv.store).open(creating: false, forTask: true, database: handed == nil ? .now : .onFirstUse)
            }
            keptUntilExit.withLock { $0.append(store) }
            Trace.mark("store open")
            // Under an engine, say where: the job and the node, for show, the shell and MCP.
            if let placement = SlurmExecutor.placementFromEnvironment() { try store.placeTask(inv.pathspec, placement) }
            guard let s = graph.step(inv.step) else {
                throw FlowError.usage("the flow has no step '\(inv.step)'; the binary may have changed since the run started")
            }
            step = s
            context = try makeContext(inv, graph: graph, step: step, store: store, handed: handed)
        } catch {
            report("cannot start task \(inv.pathspec): \(error)")
            if let store = try? StoreAddress(parsing: inv.store).open(creating: false) {
                try? store.failTask(inv.pathspec, error: "\(error)")
            }
            return setupExitCode
        }
        Trace.mark("context ready")
        // getenv, not ProcessInfo's environment, which copies all of it into a dictionary (3 % of a task's CPU).
        if getenv(DebuggerExecutor.waitVariable) != nil { waitForDebugger(inv) }
        context.card.setPublisher { html, live in try store.saveCard("card", html: html, task: inv.pathspec, live: live) }
        // The card is saved however the step ends; its failure never changes the task's result.
        defer { context.card.saveFinal() }
        do {
            try await step.body(context)
            Trace.mark("body done")
            try finish(context, inv: inv, step: step, store: store, caught: nil, handOver: handed != nil)
            return 0
        } catch {
            let message = "\(error)"
            report("step '\(step.name)' failed: \(message)")
            if let name = inv.catchArtifact {
                do {
                    try finish(context, inv: inv, step: step, store: store, caught: (name, message), handOver: handed != nil)
                    report("caught: stored the error as artifact '\(name)'; the flow goes on")
                    return 0
                } catch {
                    report("could not store the caught error: \(error)")
                }
            }
            try? store.failTask(inv.pathspec, error: message)
            return failedExitCode
        }
    }

    /// Waits (up to ten minutes) until a debugger attaches, so an editor's
    /// breakpoints in the step are hit (`spin --debug --debugger wait`).
    static func waitForDebugger(_ inv: TaskInvocation) {
        report("task process \(getpid()) of \(inv.pathspec) waits for a debugger to attach (its inputs are loaded)")
        for _ in 0..<6000 {
            if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("TracerPid:") }),
               let tracer = Int(line.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces)), tracer != 0 {
                report("debugger attached (pid \(tracer)); running the step")
                return
            }
            usleep(100_000)
        }
        report("no debugger attached in ten minutes; running the step")
    }

    static func report(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// The task's context: its parameters, parents and place, from the store, or from what its
    /// runtime `handed` over (the same rows, read by the runtime: ``TaskHandoff``).
    static func makeContext(_ inv: TaskInvocation, graph: FlowGraph, step: Step, store: Store,
                            handed: TaskHandoff.Inputs? = nil) throws -> TaskContext {
        let runParameters = try handed?.parameters ?? store.run(flow: inv.flow, id: inv.run).parameters
        let parameters: [(String, Value)] = graph.flow.parameters.map { p in (p.name, runParameters[p.name] ?? p.defaultValue) }
        let overrides = try inv.overridesFile.map(SpinOverrides.read(from:)) ?? SpinOverrides()
        // The task's parents and place, as the runtime recorded them before starting it.
        let parents: [InputTask]
        let splits: [SplitFrame]
        if let handed {
            parents = handed.parents.enumerated().map { i, p in
                InputTask(pathspec: p.pathspec, records: p.artifacts, overrides: overrides.forInput(i), store: store)
            }
            splits = handed.splits
        } else {
            let record = try store.task(inv.pathspec)
            parents = try record.parents.enumerated().map { i, p in
                InputTask(pathspec: p, records: try store.artifacts(of: p), overrides: overrides.forInput(i), store: store)
            }
            splits = record.splits
        }
        var foreach: (String, Int)?
        for frame in splits.reversed() {
            if case .foreach(let artifact, _) = graph.step(frame.step)?.transition {
                foreach = (artifact, frame.index)
                break
            }
        }
        return TaskContext(pathspec: inv.pathspec, attempt: inv.attempt, isSpin: inv.run.isSpin, step: step,
                           parameters: parameters, parents: parents, foreach: foreach)
    }

    /// Saves the task's outputs and marks it completed: its own artifacts, the
    /// ones carried over from its parent (or merged in a join), and a caught error.
    /// With `handOver`, the rows go to the runtime, which commits them (``TaskHandoff``);
    /// the task commits them itself when they cannot.
    static func finish(_ ctx: TaskContext, inv: TaskInvocation, step: Step, store: Store,
                       caught: (String, String)?, handOver: Bool = false) throws {
        let outcome = try self.outcome(ctx, inv: inv, step: step, store: store, caught: caught)
        Trace.mark("artifacts saved")
        if handOver, TaskEnd.handOver(outcome.encoded) {
            Trace.mark("task's rows handed over")
            return
        }
        try store.completeTask(inv.pathspec, artifacts: outcome.artifacts, foreachCount: outcome.foreachCount,
                               parametersRead: outcome.parametersRead)
        Trace.mark("task completed")
    }

    /// The task's outputs, its blobs written: the rows of its own artifacts, of those carried over
    /// from its parent (or merged in a join) and of a caught error, and what its foreach counts.
    static func outcome(_ ctx: TaskContext, inv: TaskInvocation, step: Step, store: Store,
                        caught: (String, String)?) throws -> TaskHandoff.Outcome {
        let (own, merged, mergedOverrides, problems, read) = ctx.state.withLock {
            ($0.own, $0.merged, $0.mergedOverrides, $0.problems, $0.parametersRead)
        }
        if caught == nil, let first = problems.first { throw first }
        let me = inv.pathspec
        var records: [ArtifactRecord] = []
        var names = Set<String>()
        var values: [String: Value] = [:]
        for (name, value) in own {
            records.append(try store.saveArtifact(name, value, task: me))
            names.insert(name)
            values[name] = value
        }
        if let (name, message) = caught, !names.contains(name) {
            records.append(try store.saveArtifact(name, .string(message), task: me))
            names.insert(name)
        }
        var carried: [ArtifactRecord] = []
        if step.isJoin {
            carried = merged
            for (name, v) in mergedOverrides where !names.contains(name) {
                carried.append(try store.saveArtifact(name, v, task: me))
            }
        } else if let parent = ctx.parents.first {
            for name in parent.artifactNames where !names.contains(name) {
                if let r = parent.record(name) {
                    carried.append(r)
                } else if parent.stores(name), let v = try parent.value(name) {
                    // An override of a parent's artifact is carried over as the input it was, so a
                    // chain of spins sees it. One that adds a name (a foreach's `input`, say) is an
                    // input only: it is recorded with the spin, not stored as an output.
                    carried.append(try store.saveArtifact(name, v, task: me))
                }
            }
        }
        for var r in carried where !names.contains(r.name) {
            r.isOwn = false
            r.task = me
            records.append(r)
            names.insert(r.name)
        }
        var foreachCount: Int?
        if case .foreach(let artifact, _) = step.transition, caught == nil {
            let seq: Value
            if let v = values[artifact] {
                seq = v
            } else if names.contains(artifact), let v = try? ctx.value(artifact) {
                seq = v
            } else {
                throw FlowError.foreachArtifactMissing(step: step.name, artifact: artifact, available: own.map(\.0))
            }
            switch seq {
            case .array(let a): foreachCount = a.count
            case .numeric(let n): foreachCount = n.indices.count
            default: throw FlowError.foreachNotSequence(step: step.name, artifact: artifact, type: seq.typeName)
            }
            if foreachCount == 0 {
                throw FlowError.foreachNotSequence(step: step.name, artifact: artifact, type: "an empty \(seq.typeName)")
            }
        }
        return TaskHandoff.Outcome(artifacts: records, foreachCount: foreachCount, parametersRead: read.sorted())
    }
}
