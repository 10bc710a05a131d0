import ArgumentParser
import Foundation
import Synchronization
import SpindleFlow
import SpindleStore
import SpindleValue

/// The entry point of a flow binary.
///
/// ```swift
/// let flow = Flow("HelloFlow") { … }
/// Spindle.main(flow)
/// ```
///
/// It gives the binary its command line (`run`, `resume`, `graph`, `runs`,
/// `show`, `logs`) and serves the hidden `_task` command that the runtime
/// starts for each task.
public enum Spindle {
    static let current = Mutex<FlowGraph?>(nil)

    /// Validates `flow`, then runs the command line. Does not return.
    public static func main(_ flow: Flow, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        var arguments = arguments
        Trace.mark("main \(arguments.first ?? "")")
        let graph: FlowGraph
        do { graph = try FlowGraph(flow) } catch {
            FileHandle.standardError.write(Data("error: \(flow.name) is not a valid flow: \(error)\n".utf8))
            exit(2)
        }
        Trace.mark("graph checked")
        // A task process: skip argument parsing's work, it runs once per task.
        if arguments.first == TaskInvocation.command {
            runTask(Array(arguments.dropFirst()), graph: graph)
        }
        // A run's fork server: each task process is a fork of it (no exec), and runs as `_task` would.
        if arguments.first == ForkServer.command {
            ForkServer.serve(Array(arguments.dropFirst()), graph: graph, warmUpTask: { _ = try? runBlocking { Int32(0) } }) {
                runTask($0, graph: graph)
            }
        }
        // A task an outside engine (Argo) scheduled: it makes its own run and row.
        if arguments.first == EngineStep.command {
            lineBufferStandardOutput()
            let engineArguments = Array(arguments.dropFirst())
            let code = (try? runBlocking { await EngineStep.main(engineArguments, graph: graph) }) ?? TaskProcess.setupExitCode
            fflush(nil)
            _exit(code)
        }
        // A spin started ahead of time (by the shell): get ready, then wait for its arguments.
        if arguments.first == SpinStandby.command {
            arguments = standBy(Array(arguments.dropFirst()), graph: graph)
            commandLine = [CommandLine.arguments[0]] + arguments
        }
        // `Flow resume … | head`: a closed output pipe must not kill the runtime
        // by SIGPIPE mid-run; Console stops writing and the run finishes.
        signal(SIGPIPE, SIG_IGN)
        // A plain spin, the command people iterate with, skips ArgumentParser.
        if arguments.first == "spin", !arguments.contains(where: DirectDispatch.asksForHelp),
           let spin = SpinInvocation(parsing: Array(arguments.dropFirst())) {
            Trace.mark("parsed spin by hand")
            // Before this thread first takes a Mutex (``ForkServer/prepareTask(warmUp:runTask:)``).
            if mayPrepareTask { prepareSpinTask(spin, graph: graph) }
            current.withLock { $0 = graph }
            DirectDispatch.run(FlowCommand.self) { try spin.run() }
        }
        // So does a plain run (``RunLine``), whose fork server may be forked from this process,
        // before this thread first takes a Mutex.
        if arguments.first == "run", !arguments.contains(where: DirectDispatch.asksForHelp),
           let run = RunLine(parsing: Array(arguments.dropFirst()), graph: graph) {
            Trace.mark("parsed run by hand")
            let resolved = run.resolve(graph)
            let server = run.forkServer(graph, resolved: resolved)
            current.withLock { $0 = graph }
            DirectDispatch.run(FlowCommand.self) { try run.run(graph, resolved: resolved, server: server) }
        }
        current.withLock { $0 = graph }
        DirectDispatch.main(FlowCommand.self, arguments)
    }

    static var graph: FlowGraph { current.withLock { $0! } }

    /// The process a spin's task becomes, forked at the spin's start (see ``prepareSpinTask(_:graph:)``).
    nonisolated(unsafe) static var preparedTask: PreparedTask?
    /// False once this process has opened a store: a fork after that would carry SQLite's state for it.
    nonisolated(unsafe) static var mayPrepareTask = true

    /// The command line this process runs, as a rebuild re-executes it: a
    /// standby's is the spin it was sent, not `_standby`.
    nonisolated(unsafe) static var commandLine = CommandLine.arguments

    /// A store a standby opened before its spin was asked for (``standBy(_:graph:)``).
    nonisolated(unsafe) static var preopenedStore: Store?

    /// The store a spin names — `explicit` (its `--store`), else the one it
    /// would find (``StoreAddress/resolve(explicit:environment:from:creating:)``) —
    /// if this process has it open already.
    static func takePreopenedStore(named explicit: String?) -> Store? {
        guard let store = preopenedStore,
              let address = try? StoreAddress.resolve(explicit: explicit, creating: false),
              store.address == address.description else { return nil }
        preopenedStore = nil
        return store
    }

    /// A standby spin (`_standby --store ADDRESS [--listen NAME]`, see
    /// ``SpinStandby`` and ``ListeningStandby``): forks the task process
    /// (while this process has one thread), opens the store, then waits for
    /// the spin's arguments — on stdin from the shell, or from the next bare
    /// spin on socket NAME — and returns them. Exits when none come.
    static func standBy(_ arguments: [String], graph: FlowGraph) -> [String] {
        var address: String?, listen: String?
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { break }
            if option == "--store" { address = value } else if option == ListeningStandby.option { listen = value }
        }
        // A listening standby takes its name first: when another standby has it, this one is not
        // needed. It listens only once ready; a spin that comes earlier runs by itself.
        var listener: Int32 = -1
        if let listen {
            // A standby whose own context would give another name would refuse every client while
            // it holds this one: it does not start (nothing known makes them differ; this says so if it happens).
            guard listen == ListeningStandby.ownName else {
                Trace.mark("standby: started as \(listen), but this process's name is \(ListeningStandby.ownName)")
                exit(0)
            }
            guard let fd = ListeningStandby.claim(listen) else {
                Trace.mark("standby: cannot claim \(listen): \(FileIO.lastError)")
                exit(0)
            }
            listener = fd
        } else {
            SpinEnd.install()
        }
        let originals = address.map { ListeningStandby.Originals(binary: currentExecutable(), store: $0) }
        if let address, ForkServer.forkedTasksKeepCrashReports {
            preparedTask = ForkServer.prepareTask(warmUp: {
                SpinEnd.closeInChild()
                if listener >= 0 { close(listener) }
                if let store = try? StoreAddress(parsing: address) { TaskProcess.prepareStore(store, flow: graph.flow.name) }
            }, runTask: { runTask($0, graph: graph) })
        }
        mayPrepareTask = false
        if let address { preopenedStore = try? StoreAddress(parsing: address).open(creating: false) }
        // While it waits: a spin short of its task, so the spin's code is warm when it is asked for;
        // and what a spin's command does first that the rehearsal does not (the first use of
        // ProcessInfo, and runBlocking's task for a spin's outcome), 0.1 ms of a standby's spin.
        if let store = preopenedStore, SpinEngine(graph: graph, store: store).rehearse() { Trace.mark("standby rehearsed a spin") }
        _ = ProcessInfo.processInfo.activeProcessorCount
        _ = try? runBlocking { () async throws -> SpinOutcome in throw CancellationError() }
        Trace.mark("standby ready")
        let spin: [String]?
        if listen != nil, let address {
            spin = ListeningStandby.serve(listener: listener, store: address) { arguments in
                standbyRefusal(arguments, originals: originals, graph: graph)
            }
        } else {
            spin = SpinStandby.readArguments(from: 0)
        }
        guard let spin else {
            // Not needed after all (the shell moved on or ended, or no spin came): the task process it
            // forked ends too, and is waited for here rather than left to init.
            preparedTask = nil
            exit(0)
        }
        Trace.mark("standby asked")
        guard spin.first == "spin" else {
            FileHandle.standardError.write(Data("error: a standby runs a spin, not '\(spin.first ?? "")'\n".utf8))
            exit(2)
        }
        return spin
    }

    /// Why a listening standby cannot take `arguments`, a bare spin's command
    /// line (its client then runs it itself), or nil when it can; `final`
    /// when this standby cannot take any spin now.
    static func standbyRefusal(_ arguments: [String], originals: ListeningStandby.Originals?,
                               graph: FlowGraph) -> (reason: String, final: Bool)? {
        guard let originals, preopenedStore != nil else { return ("the store did not open", true) }
        if let change = originals.change { return (change, true) }
        guard arguments.first == "spin", let spin = SpinInvocation(parsing: Array(arguments.dropFirst())) else {
            return ("a command line for ArgumentParser", false)
        }
        guard !spin.debug, spin.executor == nil || spin.executor == "local" else { return ("a debugger or another executor", false) }
        if !spin.noRebuild, getenv("SPINDLE_REBUILT") == nil, getenv("SPINDLE_NO_REBUILD") == nil,
           let build = FlowBuild.locate(binary: currentExecutable(), flowFile: graph.flow.file), build.isStale() {
            return ("the flow's sources changed: the spin rebuilds it", true)
        }
        ListeningStandby.sourcesChecked = true
        return nil
    }

    /// Forks the process a local spin's task will become, while this process
    /// has one thread; it opens the store while the spin plans.
    ///
    /// Only where a forked task keeps the crash reports a spawned one gets
    /// (``ForkServer/forkedTasksKeepCrashReports``): when `SWIFT_BACKTRACE` is
    /// set (the shell and the MCP server set it for the spins they start), or
    /// the binary has the Swift runtime linked in. A spin of a dynamically
    /// linked binary in a bare environment spawns its task.
    static func prepareSpinTask(_ spin: SpinInvocation, graph: FlowGraph) {
        guard ForkServer.forkedTasksKeepCrashReports, !spin.debug, spin.executor == nil || spin.executor == "local" else { return }
        preparedTask = ForkServer.prepareTask(warmUp: {
            if let address = try? StoreAddress.resolve(explicit: spin.store, creating: false) {
                TaskProcess.prepareStore(address, flow: graph.flow.name)
            }
        }, runTask: { runTask($0, graph: graph) })
        Trace.mark("prepared the spin's task process")
    }

    /// A task process's work, from the arguments after `_task`. Never returns.
    static func runTask(_ arguments: [String], graph: FlowGraph) -> Never {
        // Line by line, so that what a step printed before a timeout's kill
        // (or a crash) reaches its log, and a watcher sees progress as it comes.
        lineBufferStandardOutput()
        do {
            let inv = try TaskInvocation(arguments: arguments)
            let code = try runBlocking { await TaskProcess.execute(inv, graph: graph) }
            Trace.mark("task process exits")
            // Everything the task wrote is committed (or its rows are with its
            // runtime, TaskHandoff) and its output is flushed below; skip exit
            // handlers and destructors of libraries that the process no longer needs.
            fflush(nil)
            TaskEnd.say(code)
            _exit(code)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(TaskProcess.setupExitCode)
        }
    }
}
