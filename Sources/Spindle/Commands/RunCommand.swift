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
        var options = RunOptions(parameters: parameters, tags: tag, resume: resume)
        if let maxWorkers { options.maxWorkers = max(1, maxWorkers) }
        options.executor = try executor.make(binary: options.binary)
        if options.executor == nil {
            // The fork server starts now, so that it warms up while the run is recorded and planned.
            options.executor = SubprocessExecutor(binary: options.binary, forkingTasksOf: graph.flow.name, store: store.address)
        }
        let runtime = Runtime(graph: graph, store: store, options: options)
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
