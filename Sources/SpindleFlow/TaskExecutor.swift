import Foundation

/// Runs one attempt of a task. The runtime and spin hand every task to one;
/// local subprocesses are the first implementation, and a container or batch
/// executor would run the same `_task` command elsewhere against a shared store.
public protocol TaskExecutor: Sendable {
    func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult
}

/// Each attempt in its own process of the flow binary: a crash fails one
/// task, output is captured, and a timeout kills the process group.
public struct SubprocessExecutor: TaskExecutor {
    /// The flow binary, which runs each task as `BINARY _task …`.
    public let binary: String
    /// Starts task processes by forking a warm copy of the binary (a run's many tasks), when set.
    let forkServer: ForkServerClient?

    public init(binary: String = currentExecutable()) {
        self.binary = binary
        forkServer = nil
    }

    /// An executor whose tasks, all of `flow` on the store at `store`, start
    /// through a ``ForkServer`` of `binary` (when it can start one): for a
    /// run of many tasks, where each saves the exec and the runtime's warm-up.
    /// `server`, when given, is the run's server forked already (``ForkServer/forkServer(store:flow:graph:warmUpTask:runTask:)``),
    /// and none is executed.
    public init(binary: String, forkingTasksOf flow: String, store: String, server: ForkServerStart? = nil) {
        self.binary = binary
        forkServer = server?.client
            ?? ForkServerClient.start(binary: binary, store: store, flow: flow, environment: TaskLauncher.crashReports)
    }

    /// An executor whose first task becomes `prepared`, a process forked early
    /// (a spin's); any later task is spawned.
    public init(binary: String, prepared: PreparedTask) {
        self.binary = binary
        forkServer = prepared.client
    }

    /// Tells the fork server (if any) to end, and kills the processes it forked ahead, without
    /// waiting for them: for a process that exits next with an error (a run whose store would not
    /// open), which need not reap them. Later tasks are spawned. A run's normal end reaps the
    /// server and those processes, so no ancestor adopts them.
    public func releaseForkServer() {
        forkServer?.release()
    }

    /// Ends the fork server (if any) and the processes it forked ahead, and reaps them: at the end
    /// of a run, whose process exits next (nothing else ends the client then: the run line's
    /// process holds its server until it exits). Later tasks are spawned.
    public func finishForkServer() {
        forkServer?.finish()
        // A forked task's end is announced before its process is reaped: the last one may still be.
        ChildWatch.awaitReaped(within: 2)
    }

    public func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult {
        await TaskLauncher.run(inv, binary: binary, forkServer: forkServer, timeout: step.timeout, logLimit: logLimit, console: console,
                               registry: registry, label: "\(inv.step)/\(inv.task)")
    }
}

/// Each attempt in this process: no binary needed, so a flow's own tests can
/// run and spin its steps directly. A crash ends the whole process, output is
/// not captured, and timeouts are not enforced; use it for tests, not runs.
public struct InProcessExecutor: TaskExecutor {
    public let graph: FlowGraph
    public init(graph: FlowGraph) { self.graph = graph }

    public func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult {
        let code = await TaskProcess.execute(inv, graph: graph)
        return AttemptResult(status: ExitStatus(code: code, signal: nil), timedOut: false, stdout: "", stderr: "", truncated: false)
    }
}
