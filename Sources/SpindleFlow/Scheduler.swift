import Foundation
import Synchronization
import SpindleStore
import SpindleValue

/// A task ready to start: its step, its parents, and the splits it sits in.
struct PlannedTask {
    var step: String
    var parents: [Pathspec]
    var splits: [SplitFrame]
}

/// The scheduling state of one run; used only from the run's own task.
final class Scheduler {
    enum Event: Sendable {
        /// A task's attempts are over: its final record, or the store error that stopped them.
        case finished(id: Int, result: Result<TaskRecord, any Error>)
        /// A task succeeded and handed over its rows, which the scheduler commits with the start of
        /// the next tasks (``commitAndSpawn()``).
        case handedOver(id: Int, completion: TaskCompletion)
        case interrupted
    }

    struct Running {
        var planned: PlannedTask
        var pathspec: Pathspec
        var started: Date
    }

    let runtime: Runtime
    var run: RunRecord
    let origin: RunRecord?
    var store: Store { runtime.store }
    var graph: FlowGraph { runtime.graph }
    var console: Console { runtime.console }

    var nextID = 1
    var pending: [PlannedTask] = []
    var running: [Int: Running] = [:]
    var completedCount = 0
    var clonedCount = 0
    var failedCount = 0
    var joinBuckets: [String: [(Int, Pathspec)]] = [:]
    var failure: String? {
        didSet { if failure != nil { stopping.set() } }
    }
    var cancelled = false {
        didSet { if cancelled { stopping.set() } }
    }
    /// Set once the run fails or is cancelled: no task starts another attempt.
    let stopping = Flag()
    var endDone = false
    let registry = ChildRegistry()
    let events: AsyncStream<Event>
    let sink: AsyncStream<Event>.Continuation
    /// Completed tasks of the origin run by step and split position, for resume.
    var originTasks: [String: TaskRecord] = [:]
    var rerun: Set<String> = []
    /// Why each step re-ran instead of being cloned, said once per step.
    var rerunReasons: [String: String] = [:]
    /// Each parent's artifacts as the input fingerprint names them (``parentLine(_:)``).
    var parentLines: [Pathspec: String] = [:]
    /// Each parent's artifact rows, read with its line, when tasks are handed their inputs.
    var parentRecords: [Pathspec: [ArtifactRecord]] = [:]
    /// Whether tasks are handed their inputs and hand back their rows (``TaskHandoff``):
    /// when they are forked from a fork server.
    let handsOver: Bool

    /// Runs each task: the run's own choice, or local processes started by a fork server.
    let executor: any TaskExecutor

    /// Completions handed over and not yet committed, and tasks launched and not yet recorded
    /// as started: committed together, in one transaction (``commitAndSpawn()``).
    var completing: [TaskCompletion] = []
    var starting: [(id: Int, record: TaskRecord)] = []

    init(runtime: Runtime, run: RunRecord, origin: RunRecord?) {
        self.runtime = runtime
        self.run = run
        self.origin = origin
        (events, sink) = AsyncStream.makeStream(of: Event.self)
        let executor = runtime.options.executor
            ?? SubprocessExecutor(binary: runtime.options.binary, forkingTasksOf: run.flow, store: runtime.store.address)
        self.executor = executor
        handsOver = (executor as? SubprocessExecutor)?.forkServer != nil && TaskHandoff.enabled
    }

    static func positionKey(_ step: String, _ splits: [SplitFrame]) -> String {
        step + "|" + splits.map { "\($0.step):\($0.index)" }.joined(separator: ",")
    }

    func execute() async throws -> RunRecord {
        if let origin {
            for t in try store.tasks(flow: origin.flow, run: origin.id) where t.status == .completed {
                originTasks[Scheduler.positionKey(t.step, t.splits)] = t
            }
            if let from = runtime.options.resume?.fromStep { rerun = graph.descendants(of: from) }
        }
        let verb = origin == nil ? "Running" : "Resuming \(origin!.pathspec) as"
        console.line("\(verb) \(run.pathspec) (\(runtime.options.maxWorkers) worker\(runtime.options.maxWorkers == 1 ? "" : "s"))")
        if let origin, runtime.options.executor == nil || runtime.options.executor is SubprocessExecutor,
           let built = (try? FileManager.default.attributesOfItem(atPath: runtime.options.binary))?[.modificationDate] as? Date,
           built > origin.started {
            // Code is the one input resume cannot compare: say what cloning means then.
            console.line(console.paint("  note: the flow binary was built after \(origin.pathspec) started; cloned tasks keep the outputs of the code that made them (resume STEP re-runs a step whose code changed)", "33"))
        }
        // Ctrl-C: end the children and mark the run cancelled.
        let sink = self.sink
        let watch = SignalWatch([SIGINT]) { _ in sink.yield(.interrupted) }
        defer { watch.stop() }

        pending.append(PlannedTask(step: "start", parents: [], splits: []))
        var iterator = events.makeAsyncIterator()
        do {
            while true {
                while failure == nil, !cancelled, running.count < runtime.options.maxWorkers, !pending.isEmpty {
                    try launch(pending.removeFirst())
                }
                try commitAndSpawn()
                if running.isEmpty && (pending.isEmpty || failure != nil || cancelled) { break }
                guard let event = await iterator.next() else { break }
                try handle(event)
                updateStatus()
            }
        } catch {
            // The store failed under the runtime (disk full, a lock held too long): end the
            // children and record why, so the run does not stay "running" forever. What tasks
            // completed and handed over is kept if it can be.
            console.clearStatus()
            try? commitEach(completing)
            registry.killAll(SIGKILL)
            try? store.finishRun(flow: run.flow, id: run.id, status: .failed, error: "the runtime stopped: \(error)")
            throw error
        }
        console.clearStatus()
        let status: RunStatus
        var error: String?
        if cancelled {
            status = .cancelled
            error = "cancelled (Ctrl-C)"
        } else if let failure {
            status = .failed
            error = failure
        } else if !endDone {
            status = .failed
            error = "the run stopped before reaching 'end'"
        } else {
            status = .completed
        }
        try store.finishRun(flow: run.flow, id: run.id, status: status, error: error)
        run = try store.run(flow: run.flow, id: run.id)
        let seconds = NumberFormatting.twoDecimals(run.duration ?? 0)
        let tasks = "\(completedCount) task\(completedCount == 1 ? "" : "s")" + (clonedCount > 0 ? ", \(clonedCount) cloned" : "")
        switch status {
        case .completed: console.line(console.paint("\(run.pathspec) completed in \(seconds) s (\(tasks))", "32"))
        case .cancelled: console.line(console.paint("\(run.pathspec) cancelled after \(seconds) s", "33"))
        default: console.line(console.paint("\(run.pathspec) failed after \(seconds) s: \(error ?? "")", "31"))
        }
        return run
    }

    func updateStatus() {
        let steps = graph.flow.steps.count
        console.setStatus("\(run.pathspec): \(completedCount) done · \(running.count) running · \(pending.count) waiting · \(failedCount) failed · \(steps) steps")
    }

    // MARK: Launching

    func launch(_ planned: PlannedTask) throws {
        Trace.mark("launch \(planned.step)")
        let id = nextID
        nextID += 1
        let pathspec = Pathspec(flow: run.flow, run: run.id, step: planned.step, task: id)
        let fingerprint = try self.fingerprint(planned)
        if let origin {
            switch cloneDecision(planned, fingerprint: fingerprint, origin: origin) {
            case .clone(let source):
                // Its parents' completions first: a clone must not be recorded under a parent still running.
                try commitEach(completing)
                completing = []
                try store.cloneTask(source, into: run.id, id: id, parents: planned.parents)
                completedCount += 1
                clonedCount += 1
                console.line("  cloned \(pathspec.step!)/\(id) from \(source.pathspec)")
                try advance(try store.task(pathspec))
                return
            case .rerun(let reason):
                if rerunReasons[planned.step] == nil {
                    rerunReasons[planned.step] = reason
                    console.line("  re-running \(planned.step): \(reason)")
                }
            }
        }
        // Recorded as started with what completed before it, then spawned (``commitAndSpawn()``).
        starting.append((id, TaskRecord(flow: run.flow, run: run.id, step: planned.step, id: id, attempt: 0,
                                        parents: planned.parents, splits: planned.splits, inputFingerprint: fingerprint)))
        running[id] = Running(planned: planned, pathspec: pathspec, started: Date())
    }

    /// Commits the completions handed over since the last commit and the starts of the tasks
    /// launched since, in one transaction, then spawns those tasks: one commit a task, where a
    /// completion and the next start were two.
    func commitAndSpawn() throws {
        guard !completing.isEmpty || !starting.isEmpty else { return }
        let (done, started) = (completing, starting)
        completing = []
        starting = []
        do {
            try store.commit(completing: done, starting: started.map(\.record))
        } catch {
            // Rows one task handed over that will not commit fail that task, as its own failed
            // commit did, not the run's other tasks: each completion is tried alone. The tasks
            // planned meanwhile are not started: the run fails, and they may follow a task that did not.
            try commitEach(done)
            for (id, _) in started { running[id] = nil }
            if failure == nil && !started.isEmpty { failure = "the runtime could not record the start of the next tasks: \(error)" }
            return
        }
        for (id, record) in started {
            Trace.mark("recorded \(record.step)/\(id)")
            spawn(id)
        }
    }

    /// Commits each completion in a transaction of its own; one whose rows the store refuses
    /// fails its task, saying why, and the run.
    func commitEach(_ done: [TaskCompletion]) throws {
        for c in done {
            do {
                try store.commit(completing: [c], starting: [])
            } catch {
                let reason = "the rows it handed over could not be committed: \(error)"
                if let log = c.log {
                    try? store.saveLog(task: c.task, attempt: log.attempt, stdout: log.stdout, stderr: log.stderr, truncated: log.truncated)
                }
                try store.failTask(c.task, error: reason)
                completedCount -= 1
                failedCount += 1
                console.line(console.paint("  \(c.task.step ?? "")/\(c.task.task ?? 0) failed: \(reason)", "31"))
                if failure == nil { failure = "task \(c.task) failed: \(reason)" }
            }
        }
    }

    enum CloneDecision {
        case clone(TaskRecord)
        case rerun(String)
    }

    /// Whether a resumed run can take the origin's task at this place as it
    /// is: same step and place, parents with the same artifacts (the
    /// fingerprint), and the same values of every parameter the task read
    /// (all of them when the store does not know what it read).
    func cloneDecision(_ planned: PlannedTask, fingerprint: String, origin: RunRecord) -> CloneDecision {
        if rerun.contains(planned.step) { return .rerun("resuming from '\(runtime.options.resume?.fromStep ?? planned.step)'") }
        guard let source = originTasks[Scheduler.positionKey(planned.step, planned.splits)] else {
            let ran = (try? store.tasks(flow: origin.flow, run: origin.id, step: planned.step)) ?? []
            return .rerun(ran.isEmpty ? "it did not run in \(origin.pathspec)" : "it failed in \(origin.pathspec)")
        }
        var reasons: [String] = []
        if source.inputFingerprint != fingerprint { reasons.append("its inputs changed") }
        let names = source.parametersRead ?? graph.flow.parameters.map(\.name)
        let changed = names.filter { origin.parameters[$0] != run.parameters[$0] }
        if !changed.isEmpty {
            reasons.append("parameter\(changed.count == 1 ? "" : "s") \(changed.joined(separator: ", ")) changed")
        }
        return reasons.isEmpty ? .clone(source) : .rerun(reasons.joined(separator: "; "))
    }

    /// What the task's result depends on besides the parameters it reads:
    /// its step, its place, and its parents' artifacts (by content).
    func fingerprint(_ p: PlannedTask) throws -> String {
        var text = "v2\n" + p.step + "\n" + p.splits.map { "\($0.step):\($0.index):\($0.count)" }.joined(separator: ",") + "\n"
        for parent in p.parents {
            text += try parentLine(parent) + "\n"
        }
        return SHA256.hex(Array(text.utf8))
    }

    /// A finished parent's artifacts as the fingerprint names them, read once:
    /// a completed task's artifacts never change, and a foreach's splits all
    /// share one parent (50 reads of the same rows in a 50-way foreach).
    func parentLine(_ parent: Pathspec) throws -> String {
        if let known = parentLines[parent] { return known }
        return learn(parent, records: try store.artifacts(of: parent))
    }

    /// Keeps a finished task's artifact rows for the tasks that follow it: the line its
    /// children's fingerprints name (``parentLine(_:)``), and the rows themselves when tasks
    /// are handed their inputs. Returns the line.
    @discardableResult
    func learn(_ parent: Pathspec, records: [ArtifactRecord]) -> String {
        let line = records.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.hash)" }.joined(separator: " ")
        parentLines[parent] = line
        if handsOver { parentRecords[parent] = records }
        return line
    }

    /// What a forked task is handed instead of reading the store (``TaskHandoff``): nil when
    /// tasks are not handed over, or a parent's rows are not known.
    func handoff(_ r: Running) -> TaskHandoff.Inputs? {
        guard handsOver else { return nil }
        var parents: [TaskHandoff.Inputs.Parent] = []
        var size = 0
        for p in r.planned.parents {
            guard let records = parentRecords[p] else { return nil }
            let parent = TaskHandoff.Inputs.Parent(pathspec: p, artifacts: records)
            // A wide join's rows would not fit a fork request: it reads them from the store, and
            // nothing is encoded only to be dropped.
            size += parent.encodedSize
            if size > ForkServer.maxMessage { return nil }
            parents.append(parent)
        }
        return TaskHandoff.Inputs(pathspec: r.pathspec, parameters: run.parameters, splits: r.planned.splits, parents: parents)
    }

    func spawn(_ id: Int) {
        guard let r = running[id], let step = graph.step(r.planned.step) else { return }
        var inv = TaskInvocation(store: store.address, flow: run.flow, run: run.id, step: step.name, task: id,
                                 attempt: 0, parents: r.planned.parents, splits: r.planned.splits)
        inv.handoff = handoff(r)
        let attempts = TaskAttempts(store: store,
                                    executor: executor,
                                    console: console, logLimit: runtime.options.logLimit, registry: registry)
        let stopping = self.stopping
        let sink = self.sink
        let commits = !handsOver
        Task.detached {
            do {
                switch try await attempts.run(inv, step: step, policy: .of(step), stop: { stopping.isSet }, committing: commits) {
                case .recorded(let record): sink.yield(.finished(id: id, result: .success(record)))
                case .handedOver(let completion): sink.yield(.handedOver(id: id, completion: completion))
                }
            } catch {
                sink.yield(.finished(id: id, result: .failure(error)))
            }
        }
    }

    // MARK: Events

    func handle(_ event: Event) throws {
        switch event {
        case .interrupted:
            guard !cancelled else { return }
            cancelled = true
            console.line(console.paint("Ctrl-C: ending \(running.count) running task\(running.count == 1 ? "" : "s")…", "33"))
            registry.killAll(SIGTERM)
            let registry = self.registry
            Task.detached {
                try? await Task.sleep(for: .seconds(2))
                registry.killAll(SIGKILL)
            }
        case .handedOver(let id, let completion):
            guard let r = running.removeValue(forKey: id) else { return }
            Trace.mark("handling end of \(id)")
            completing.append(completion)
            // Its rows are not committed yet: the tasks that follow take them from here, not the store.
            learn(completion.task, records: completion.rowsAsStored)
            // Planned from the row as it will be committed, with the next tasks' starts.
            try completed(r, id: id, as: TaskRecord(flow: run.flow, run: run.id, step: r.planned.step, id: id, status: .completed,
                                                    parents: r.planned.parents, splits: r.planned.splits,
                                                    foreachCount: completion.foreachCount))
        case .finished(let id, let result):
            guard let r = running.removeValue(forKey: id) else { return }
            Trace.mark("handling end of \(id)")
            let record = try result.get()
            if record.status == .completed {
                try completed(r, id: id, as: record)
                return
            }
            if cancelled { return }
            failedCount += 1
            let reason = record.error ?? "unknown error"
            console.line(console.paint("  \(r.planned.step)/\(id) failed: \(reason)", "31"))
            if failure == nil { failure = "task \(r.pathspec) failed: \(reason)" }
        }
    }

    /// Counts a completed task, says so when output is not a terminal, and plans what follows it.
    func completed(_ r: Running, id: Int, as record: TaskRecord) throws {
        completedCount += 1
        if !console.isTerminal {
            console.line("  done \(r.planned.step)/\(id) in \(NumberFormatting.twoDecimals(Date().timeIntervalSince(r.started))) s")
        }
        try advance(record)
    }

    /// Plans what follows a completed task.
    func advance(_ task: TaskRecord) throws {
        guard let step = graph.step(task.step) else { return }
        switch step.transition {
        case .end:
            if step.name == "end" { endDone = true }
        case .to(let next):
            try follow(task, to: next, splits: task.splits)
        case .branch(let nexts):
            for (i, n) in nexts.enumerated() {
                try follow(task, to: n, splits: task.splits + [SplitFrame(step: step.name, index: i, count: nexts.count)])
            }
        case .foreach(let artifact, let next):
            guard let count = task.foreachCount, count > 0 else {
                failure = "task \(task.pathspec) did not produce the sequence '\(artifact)' its foreach loops over"
                return
            }
            for i in 0..<count {
                pending.append(PlannedTask(step: next, parents: [task.pathspec],
                                           splits: task.splits + [SplitFrame(step: step.name, index: i, count: count)]))
            }
        }
    }

    func follow(_ task: TaskRecord, to next: String, splits: [SplitFrame]) throws {
        guard let target = graph.step(next) else { return }
        guard target.isJoin, let frame = splits.last else {
            pending.append(PlannedTask(step: next, parents: [task.pathspec], splits: splits))
            return
        }
        let prefix = Array(splits.dropLast())
        let key = next + "|" + SplitFrame.render(prefix)
        joinBuckets[key, default: []].append((frame.index, task.pathspec))
        if joinBuckets[key]!.count == frame.count {
            let parents = joinBuckets[key]!.sorted { $0.0 < $1.0 }.map(\.1)
            joinBuckets[key] = nil
            pending.append(PlannedTask(step: next, parents: parents, splits: prefix))
        }
    }
}
