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
        Trace.mark("main \(arguments.first ?? "")")
        let graph: FlowGraph
        do { graph = try FlowGraph(flow) } catch {
            FileHandle.standardError.write(Data("error: \(flow.name) is not a valid flow: \(error)\n".utf8))
            exit(2)
        }
        Trace.mark("graph checked")
        // A task process: skip argument parsing's work, it runs once per task.
        if arguments.first == TaskInvocation.command {
            // Line by line, so that what a step printed before a timeout's kill
            // (or a crash) reaches its log, and a watcher sees progress as it comes.
            lineBufferStandardOutput()
            do {
                let inv = try TaskInvocation(arguments: Array(arguments.dropFirst()))
                let code = try runBlocking { await TaskProcess.execute(inv, graph: graph) }
                Trace.mark("task process exits")
                // Everything the task wrote is committed and its output is flushed
                // below; skip exit handlers and destructors of libraries that the
                // process no longer needs.
                fflush(nil)
                _exit(code)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                exit(TaskProcess.setupExitCode)
            }
        }
        current.withLock { $0 = graph }
        // `Flow resume … | head`: a closed output pipe must not kill the runtime
        // by SIGPIPE mid-run; Console stops writing and the run finishes.
        signal(SIGPIPE, SIG_IGN)
        // A plain spin, the command people iterate with, skips ArgumentParser.
        if arguments.first == "spin", !arguments.contains(where: DirectDispatch.asksForHelp),
           let spin = SpinInvocation(parsing: Array(arguments.dropFirst())) {
            Trace.mark("parsed spin by hand")
            DirectDispatch.run(FlowCommand.self) { try spin.run() }
        }
        DirectDispatch.main(FlowCommand.self, arguments)
    }

    static var graph: FlowGraph { current.withLock { $0! } }
}

/// Options every command that reads a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: .spindle here or above; or $SPINDLE_STORE).")
    var store: String?

    func open(creating: Bool) throws -> Store { try Self.open(store, creating: creating) }

    /// The store at `explicit`, or found from here or $SPINDLE_STORE.
    static func open(_ explicit: String?, creating: Bool) throws -> Store {
        let root = try StoreLocation.resolve(explicit: explicit, creating: creating)
        return try Store.open(at: root, create: creating)
    }
}

struct FlowCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Spindle.current.withLock { $0?.flow.name } ?? "flow",
            abstract: "A Spindle flow: run it, resume it, browse its runs.",
            subcommands: [RunCommand.self, ResumeCommand.self, SpinCommand.self, WatchCommand.self, DiffCommand.self, FlowShellCommand.self, GraphCommand.self,
                          RunsCommand.self, ShowCommand.self, LogsCommand.self])
    }
}

/// Parses `--name value` / `--name=value` pairs against the flow's parameters.
func parseParameters(_ args: [String], graph: FlowGraph) throws -> [String: Value] {
    var out: [String: Value] = [:]
    var i = 0
    while i < args.count {
        let a = args[i]
        guard a.hasPrefix("--"), a.count > 2 else {
            throw ValidationError("unexpected argument '\(a)'; parameters are given as --name value")
        }
        var name = String(a.dropFirst(2))
        var value: String
        if let eq = name.firstIndex(of: "=") {
            value = String(name[name.index(after: eq)...])
            name = String(name[..<eq])
        } else {
            guard i + 1 < args.count else { throw ValidationError("parameter --\(name) needs a value") }
            value = args[i + 1]
            i += 1
        }
        let key = name.replacingOccurrences(of: "-", with: "_")
        guard let p = graph.flow.parameters.first(where: { $0.name == key }) else {
            let known = graph.flow.parameters.map(\.name)
            let hint = Store.nearest(key, in: known).map { " (did you mean --\($0)?)" } ?? ""
            throw ValidationError("\(graph.flow.name) has no parameter --\(name)\(hint); it has: \(known.isEmpty ? "none" : known.map { "--\($0)" }.joined(separator: ", "))")
        }
        out[key] = try p.parse(value)
        i += 1
    }
    return out
}

func parametersHelp() -> String {
    guard let g = Spindle.current.withLock({ $0 }) else { return "" }
    if g.flow.parameters.isEmpty { return "This flow has no parameters." }
    return "Parameters:\n" + g.flow.parameters.map {
        "  --\($0.name) <\($0.kind.rawValue)>  \($0.help.isEmpty ? "" : $0.help + " ")(default: \($0.defaultValue.summary(width: 40)))"
    }.joined(separator: "\n")
}

/// What run and resume share: how many workers, the tags, the store.
struct RunTuning: ParsableArguments {
    @Option(name: .long, help: "How many tasks may run at once (default: the number of cores).")
    var maxWorkers: Int?
    @Option(name: .long, help: "A tag for the run (repeatable).")
    var tag: [String] = []
    @OptionGroup var storeOptions: StoreOptions

    /// Runs the flow with `parameters` (resuming when `resume` is given) and exits with the run's status.
    func execute(_ graph: FlowGraph, store: Store, parameters: [String: Value], resume: RunOptions.Resume? = nil) throws -> Never {
        var options = RunOptions(parameters: parameters, tags: tag, resume: resume)
        if let maxWorkers { options.maxWorkers = max(1, maxWorkers) }
        let runtime = Runtime(graph: graph, store: store, options: options)
        let record = try runBlocking { try await runtime.run() }
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

struct ResumeCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "resume",
            abstract: "Start a new run that clones the successful tasks of an earlier one and runs the rest.",
            usage: "resume [STEP] [--origin RUN] [--max-workers N] [--tag T] [--store PATH] [--PARAM value ...]",
            discussion: "Without STEP, re-runs what failed or never ran; with STEP, re-runs that step and everything after it. A task is re-run, not cloned, when its parents' outputs changed or a parameter it read changed (each task records the parameters it read); resume says why for each step it re-runs. What else a step may read (files, the environment, the clock, its own code) resume cannot compare: re-run such a step with resume STEP.\n\n" + parametersHelp())
    }

    @Option(name: .long, help: "The run to resume (default: the latest failed, cancelled or unfinished run).")
    var origin: String?
    @OptionGroup var tuning: RunTuning
    @Argument(parsing: .allUnrecognized, help: "[STEP] to re-run from, then changed parameters as --name value.")
    var arguments: [String] = []

    func run() throws {
        let graph = Spindle.graph
        var rest = arguments
        var step: String?
        if let first = rest.first, !first.hasPrefix("-") {
            step = first
            rest.removeFirst()
        }
        let params = try parseParameters(rest, graph: graph)
        let store = try tuning.storeOptions.open(creating: false)
        let originID: RunID
        if let origin {
            guard let id = RunID(origin), !id.isSpin else { throw ValidationError("--origin '\(origin)' is not a run id") }
            originID = id
        } else {
            let unfinished = try store.runs(flow: graph.flow.name).first { $0.status == .failed || $0.status == .cancelled || $0.isAbandoned }
            guard let u = unfinished else {
                throw ValidationError("no failed, cancelled or unfinished run of \(graph.flow.name) to resume; name one with --origin")
            }
            originID = u.id
        }
        try tuning.execute(graph, store: store, parameters: params, resume: .init(origin: originID, fromStep: step))
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Draw the flow's graph.")
    @Flag(help: "Print Graphviz dot instead.")
    var dot = false
    @Flag(help: "Print the graph as JSON.")
    var json = false

    func run() {
        let g = Spindle.graph
        print(json ? g.descriptionValue.jsonText(pretty: true) : dot ? g.dot() : g.drawn())
    }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the flow's runs, newest first.")
    @Flag(help: "List spins instead of production runs.")
    var spins = false
    @Option(help: "Only runs with this status (running, completed, failed, cancelled).")
    var status: RunStatus?
    @Option(help: "Only runs with this tag.")
    var tag: String?
    @Option(help: "At most this many runs.")
    var limit: Int?
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        let store = try storeOptions.open(creating: false)
        let runs = try store.runs(flow: Spindle.graph.flow.name, spins: spins, status: status, tag: tag, limit: limit)
        print(json ? Value.array(runs.map(Browse.runJSON)).jsonText(pretty: true) : Browse.runsText(runs, showFlow: false))
    }
}

extension RunStatus: ExpressibleByArgument {}

/// Accepts `3/train/4` as well as `Flow/3/train/4` in a flow binary.
func flowPathspec(_ text: String, flow: String) throws -> Pathspec {
    let full = text == flow || text.hasPrefix(flow + "/") ? text : flow + "/" + text
    return try Pathspec(parsing: full)
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a run, a step, a task or an artifact.",
        discussion: "PATHSPEC is run[/step[/task[/artifact]]] (the flow's name may lead): 3, 3/train, 3/train/4, 3/train/4/model, latest/end/9.")
    @Argument(help: "What to show.")
    var pathspec: String = "latest"
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try flowPathspec(pathspec, flow: Spindle.graph.flow.name)
        let store = try storeOptions.open(creating: false)
        print(try Browse.show(spec, store: store, json: json))
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a task's captured output.")
    @Argument(help: "The task: run/step/task, e.g. 3/train/4.")
    var pathspec: String
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try flowPathspec(pathspec, flow: Spindle.graph.flow.name)
        let store = try storeOptions.open(creating: false)
        print(try Browse.logs(spec, store: store, json: json))
    }
}
