import Foundation
import SpindleStore
import SpindleValue

/// One task a spin ran, with the task of the real run it re-ran and how their outputs differ.
public struct SpunTask: Sendable {
    public var task: TaskRecord
    /// The task of the source run this one re-ran, if the step ran there.
    public var original: Pathspec?
    /// Its outputs against the original's — also when the original failed, whose
    /// outputs are none (nil without an original, or when the spin failed).
    /// Overridden inputs are not outputs: they are left out (see ``SpinOutcome/overrides``).
    public var diff: ValueDiff?
    public var succeeded: Bool { task.status == .completed }
}

/// What a spin did.
public struct SpinOutcome: Sendable {
    /// The spin, as stored: `Flow/spin-N`.
    public var run: RunRecord
    public var tasks: [SpunTask]
    public var source: RunRecord
    /// The inputs the spin replaced, by name (`inputs[N].name` for one parent of a join).
    public var overrides: [(name: String, value: Value)] {
        guard case .object(let o)? = run.overrides else { return [] }
        return o.map { ($0.key, $0.value) }
    }
    /// What the overrides did that the caller may not expect (from the plan).
    public var warnings: [String] = []
    public var succeeded: Bool { tasks.allSatisfy(\.succeeded) }
    public var changed: Bool { tasks.contains { !($0.diff?.isEmpty ?? true) } }
}

/// Runs one step of a flow on the real artifacts of a real run, with
/// overrides, stores the result as a spin, and diffs it against the task it
/// re-ran.
///
/// ```swift
/// let engine = SpinEngine(graph: try FlowGraph(flow), store: store, binary: flowBinaryPath)
/// let outcome = try await engine.spin(SpinRequest(step: "train", overrides: ["rate": 0.05]))
/// print(outcome.tasks[0].diff!)
/// ```
///
/// Each spun task runs in its own process of the flow binary, as in a run,
/// through the same attempt loop (``TaskAttempts``); retry and catch are off
/// unless `withDecorators`; the timeout stays unless `noTimeout`.
public struct SpinEngine: Sendable {
    public let graph: FlowGraph
    public let store: Store
    /// The flow binary, recorded with the spin.
    public let binary: String
    public let executor: any TaskExecutor
    public let console: Console
    public let logLimit: Int

    /// A spin engine whose tasks run as subprocesses of `binary` (or through `executor`).
    public init(graph: FlowGraph, store: Store, binary: String = currentExecutable(), executor: (any TaskExecutor)? = nil,
                console: Console = .silent, logLimit: Int = 1 << 20) {
        self.graph = graph
        self.store = store
        self.binary = binary
        self.executor = executor ?? SubprocessExecutor(binary: binary)
        self.console = console
        self.logLimit = logLimit
    }

    /// Finds the spin's inputs without running anything.
    public func plan(_ req: SpinRequest) throws -> SpinPlan {
        try SpinPlanner(shape: graph.shape, store: store).plan(req)
    }

    /// Plans, runs and diffs the spin.
    public func spin(_ req: SpinRequest) async throws -> SpinOutcome {
        let plan = try self.plan(req)
        return try await run(plan, req)
    }

    /// Runs a plan made by ``plan(_:)``; `registry` lets a caller end the
    /// running tasks (on Ctrl-C, say).
    public func run(_ plan: SpinPlan, _ req: SpinRequest, registry: ChildRegistry = ChildRegistry()) async throws -> SpinOutcome {
        let step = graph.step(req.step)!
        let requested = req.spinOverrides
        // A parameter's name changes the spin's parameters (see plan), and the input
        // artifact of that name too when a parent has one; the other names replace inputs.
        let parameterNames = Set(graph.flow.parameters.map(\.name))
        var parentArtifacts = Set<String>()
        // Only an override named like a parameter needs the parents' artifact names.
        if requested.all.keys.contains(where: parameterNames.contains) {
            for p in plan.tasks.first?.parents ?? [] { parentArtifacts.formUnion(try store.artifacts(of: p).map(\.name)) }
        }
        let inputCount = plan.tasks.first?.parents.count ?? 0
        let forTasks = SpinOverrides(all: requested.all.filter { !parameterNames.contains($0.key) || parentArtifacts.contains($0.key) },
                                     byInput: requested.byInput.filter { $0.key < inputCount })
        let spin = try store.createRun(.init(flow: graph.flow.name, isSpin: true, parameters: plan.parameters,
                                             graph: graph.descriptionValue.jsonText(), origin: plan.source.id,
                                             originTask: plan.tasks.count == 1 ? plan.tasks[0].original?.pathspec.description : nil,
                                             overrides: requested.isEmpty ? nil : requested.value,
                                             binary: executor is InProcessExecutor ? nil : binary))
        Trace.mark("spin: \(spin.id) created")
        var file: String?
        if !forTasks.isEmpty {
            // The task processes read the same encoding the caller wrote (SpinOverrides).
            let dir = store.root.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("\(graph.flow.name)-\(spin.id)-overrides.spnv").path
            try forTasks.write(to: path)
            file = path
        }
        let overridesFile = file
        defer { if let overridesFile { try? FileManager.default.removeItem(atPath: overridesFile) } }

        let spun: [SpunTask]
        do {
        spun = try await withThrowingTaskGroup(of: SpunTask.self) { group in
            var results: [SpunTask] = []
            var next = 0
            func start(_ i: Int) {
                let planned = plan.tasks[i]
                let id = i + 1
                group.addTask {
                    try await self.runTask(planned, id: id, step: step, spin: spin, req: req,
                                           overridesFile: overridesFile, registry: registry)
                }
            }
            while next < min(req.maxWorkers, plan.tasks.count) { start(next); next += 1 }
            while let r = try await group.next() {
                results.append(r)
                if next < plan.tasks.count { start(next); next += 1 }
            }
            return results.sorted { $0.task.id < $1.task.id }
        }
        } catch {
            registry.killAll(SIGKILL)
            try? store.finishRun(flow: spin.flow, id: spin.id, status: .failed, error: "the spin stopped: \(error)")
            throw error
        }
        let ok = spun.allSatisfy(\.succeeded)
        try store.finishRun(flow: spin.flow, id: spin.id, status: ok ? .completed : .failed,
                            error: ok ? nil : spun.first { !$0.succeeded }?.task.error)
        return SpinOutcome(run: try store.run(flow: spin.flow, id: spin.id), tasks: spun, source: plan.source,
                           warnings: plan.warnings)
    }

    func runTask(_ planned: PlannedSpin, id: Int, step: Step, spin: RunRecord, req: SpinRequest,
                 overridesFile: String?, registry: ChildRegistry) async throws -> SpunTask {
        let pathspec = Pathspec(flow: spin.flow, run: spin.id, step: step.name, task: id)
        try store.startTask(TaskRecord(flow: spin.flow, run: spin.id, step: step.name, id: id, attempt: 0,
                                       parents: planned.parents, splits: planned.splits,
                                       origin: planned.original?.pathspec))
        let inv = TaskInvocation(store: store.address, flow: spin.flow, run: spin.id, step: step.name, task: id,
                                 parents: planned.parents, splits: planned.splits, overridesFile: overridesFile)
        let attempts = TaskAttempts(store: store, executor: executor, console: console, logLimit: logLimit, registry: registry)
        let final = try await attempts.run(inv, step: step,
                                           policy: .of(step, decorators: req.withDecorators, timeout: !req.noTimeout))
        Trace.mark("spin: \(pathspec) recorded")
        var diff: ValueDiff?
        if final.status == .completed, let original = planned.original {
            // Overridden inputs are left out (see Store.diffTasks): what the step set is diffed.
            diff = try store.diffTasks(old: original.pathspec, new: pathspec, tolerance: req.tolerance)
            Trace.mark("spin: diffed")
        }
        return SpunTask(task: final, original: planned.original?.pathspec, diff: diff)
    }
}
