import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// What run and resume share: how many workers, the tags, the store.
struct RunTuning: ParsableArguments {
    @Option(name: .long, help: "How many tasks may run at once (default: the number of cores).")
    var maxWorkers: Int?
    @Option(name: .long, help: "A tag for the run (repeatable).")
    var tag: [String] = []
    @Option(name: .long, help: ArgumentHelp("Where tasks run: local (subprocesses here) or slurm (a Slurm job each, through srun; give a store every node can reach, e.g. --store prod).",
                                            valueName: "local|slurm"))
    var executor: ExecutorChoice = .local
    @OptionGroup var storeOptions: StoreOptions

    /// Runs the flow with `parameters` (resuming when `resume` is given) and exits with the run's status.
    func execute(_ graph: FlowGraph, store: Store, parameters: [String: Value], resume: RunOptions.Resume? = nil) throws -> Never {
        try Self.execute(graph, store: store, parameters: parameters, maxWorkers: maxWorkers, tags: tag, executor: executor,
                         resume: resume)
    }

    /// What ``execute(_:store:parameters:resume:)`` does, from plain values (a run line parsed by hand, ``RunLine``).
    ///
    /// `local`, when given, is the local executor already made, its fork server already starting
    /// (``RunLine`` starts it before it opens the store).
    static func execute(_ graph: FlowGraph, store: Store, parameters: [String: Value], maxWorkers: Int?, tags: [String],
                        executor: ExecutorChoice, resume: RunOptions.Resume? = nil,
                        local: SubprocessExecutor? = nil) throws -> Never {
        var options = RunOptions(parameters: parameters, tags: tags, resume: resume)
        if let maxWorkers { options.maxWorkers = max(1, maxWorkers) }
        options.executor = try executor.make(binary: options.binary)
        if options.executor == nil {
            // The fork server starts now (unless it already has), so that it warms up while the run is recorded and planned.
            if let local {
                options.executor = local
            } else {
                options.executor = SubprocessExecutor(binary: options.binary, forkingTasksOf: graph.flow.name, store: store.address)
                Trace.mark("fork server started")
            }
        }
        let runtime = Runtime(graph: graph, store: store, options: options)
        // The fork server and what it forked ahead are reaped here, not left to whichever ancestor
        // adopts orphans when this process exits.
        defer { (options.executor as? SubprocessExecutor)?.finishForkServer() }
        let record = try runBlocking { try await runtime.run() }
        store.settle()
        throw exitStatus(for: record)
    }
}

/// Turns a run's outcome into the process's exit status.
func exitStatus(for run: RunRecord) -> ExitCode {
    switch run.status {
    case .completed: .success
    case .cancelled: ExitCode(130)
    default: .failure
    }
}

struct RunCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "run", abstract: "Run the flow.", discussion: parametersHelp())
    }

    @OptionGroup var tuning: RunTuning
    @Argument(parsing: .allUnrecognized, help: "Parameters, as --name value.")
    var parameters: [String] = []

    func run() throws {
        let graph = Spindle.graph
        let params = try parseParameters(parameters, graph: graph)
        try tuning.execute(graph, store: try tuning.storeOptions.open(creating: true), parameters: params)
    }
}

/// The engines a run, a resume or a spin can hand tasks to.
enum ExecutorChoice: String, ExpressibleByArgument, CaseIterable {
    case local, slurm

    /// The executor (nil: the runtime's default, local subprocesses).
    func make(binary: String) throws -> (any TaskExecutor)? {
        switch self {
        case .local: return nil
        case .slurm: return try SlurmExecutor(binary: binary)
        }
    }
}

/// A `run` command line in its common form, parsed without ArgumentParser,
/// whose reflection over the command's options was 2 ms of every run's
/// start: `--max-workers N`, `--tag T` (repeatable), `--executor local|slurm`,
/// `--store S`, and the flow's own parameters as `--name value`. Anything
/// else — help, `--name=value`, a value that starts with `-`, an unknown
/// name, `--metadata`/`--blobs` — gives nil, and ArgumentParser parses the
/// line as before, with its messages.
struct RunLine {
    var maxWorkers: Int?
    var tags: [String] = []
    var executor: ExecutorChoice = .local
    var store: String?
    /// The parameters, as `parseParameters` reads them.
    var parameters: [String] = []

    init?(parsing arguments: [String], graph: FlowGraph) {
        let declared = Set(graph.flow.parameters.map(\.name))
        var seen = Set<String>()
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            guard word.hasPrefix("--"), !word.contains("="), i + 1 < arguments.count else { return nil }
            let value = arguments[i + 1]
            guard !value.hasPrefix("-"), !value.isEmpty || declared.contains(String(word.dropFirst(2))) else { return nil }
            let name = String(word.dropFirst(2))
            // The store's other options, even where a flow names a parameter so: ArgumentParser's to bind.
            guard name != "metadata", name != "blobs" else { return nil }
            i += 2
            if name == "tag" {
                tags.append(value)
                continue
            }
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "max-workers":
                guard let n = Int(value) else { return nil }
                maxWorkers = n
            case "executor":
                guard let choice = ExecutorChoice(rawValue: value) else { return nil }
                executor = choice
            case "store": store = value
            default:
                guard declared.contains(name) else { return nil }
                parameters += [word, value]
            }
        }
    }

    /// The run's parameters and its store's address, or why they cannot be had: read once, for
    /// both ``forkServer(_:resolved:)`` and ``run(_:resolved:server:)``.
    typealias Resolved = Result<(parameters: [String: Value], address: StoreAddress), any Error>

    func resolve(_ graph: FlowGraph) -> Resolved {
        Result { (try parseParameters(parameters, graph: graph), try StoreAddress.resolve(explicit: store, creating: true)) }
    }

    /// The run's fork server, forked from this process now (``ForkServer/forkServer(store:flow:graph:warmUpTask:runTask:)``):
    /// for a local run whose parameters parse and whose store resolves, where a fork is safe and
    /// keeps the tasks' crash reports. Nil otherwise: ``run(_:resolved:server:)`` then executes
    /// one, or reports what is wrong. Called before this thread's first Mutex.
    func forkServer(_ graph: FlowGraph, resolved: Resolved) -> ForkServerStart? {
        guard executor == .local, case .success(let run) = resolved else { return nil }
        return ForkServer.forkServer(store: run.address.description, flow: graph.flow.name, graph: graph,
                                     warmUpTask: { _ = try? runBlocking { Int32(0) } },
                                     runTask: { Spindle.runTask($0, graph: graph) })
    }

    /// Runs it as `RunCommand` would; `server` is its fork server when ``forkServer(_:resolved:)``
    /// forked one (only when `resolved` is a success).
    func run(_ graph: FlowGraph, resolved: Resolved, server: ForkServerStart? = nil) throws -> Never {
        let (params, address) = try resolved.get()
        // The fork server starts first: it warms up while this process opens the store and records
        // the run, instead of after. One that finds no store yet serves unwarmed.
        let local = executor == .local
            ? SubprocessExecutor(binary: currentExecutable(), forkingTasksOf: graph.flow.name, store: address.description,
                                 server: server) : nil
        Trace.mark("fork server started")
        let opened: Store
        do { opened = try address.open(creating: true) } catch {
            local?.releaseForkServer()  // this process exits next, with the error: no need to wait for the server
            throw error
        }
        Trace.mark("store open")
        try RunTuning.execute(graph, store: opened, parameters: params,
                              maxWorkers: maxWorkers, tags: tags, executor: executor, local: local)
    }
}
