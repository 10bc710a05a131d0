import ArgumentParser
import Foundation
import SpindleStore
import SpindleValue

/// The stand-alone `spindle` tool: browse any store without a flow binary.
public struct SpindleTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spindle",
        abstract: "Browse a Spindle store: its flows, runs, tasks, artifacts and logs.",
        discussion: "The store is .spindle in this directory or above it, or --store PATH, or $SPINDLE_STORE.",
        subcommands: [FlowsTool.self, RunsTool.self, ShowTool.self, LogsTool.self])

    public init() {}
}

struct FlowsTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flows", abstract: "List the flows that have runs.")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let flows = try storeOptions.open(creating: false).flows()
        print(json ? Value.array(flows.map { .string($0) }).jsonText(pretty: true) : flows.isEmpty ? "no flows" : flows.joined(separator: "\n"))
    }
}

struct RunsTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List runs, newest first.")
    @Argument(help: "Only this flow's runs.") var flow: String?
    @Flag(help: "List spins instead of production runs.") var spins = false
    @Option(help: "Only runs with this status (running, completed, failed, cancelled).") var status: RunStatus?
    @Option(help: "Only runs with this tag.") var tag: String?
    @Option(help: "At most this many runs.") var limit: Int?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        if let flow, !Pathspec.isIdentifier(flow) { throw ValidationError("'\(flow)' is not a flow name") }
        let store = try storeOptions.open(creating: false)
        if let flow, !(try store.flows().contains(flow)) {
            throw StoreError.noSuch("flow '\(flow)' in this store", suggestion: Store.nearest(flow, in: try store.flows()))
        }
        let runs = try store.runs(flow: flow, spins: spins, status: status, tag: tag, limit: limit)
        print(json ? Value.array(runs.map(Browse.runJSON)).jsonText(pretty: true) : Browse.runsText(runs, showFlow: flow == nil))
    }
}

struct ShowTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a flow, run, step, task or artifact.",
        discussion: "PATHSPEC is Flow[/run[/step[/task[/artifact]]]], e.g. RatingsFlow/latest/train/2/model.")
    @Argument(help: "What to show.") var pathspec: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try Pathspec(parsing: pathspec)
        print(try Browse.show(spec, store: try storeOptions.open(creating: false), json: json))
    }
}

struct LogsTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a task's captured output.")
    @Argument(help: "The task: Flow/run/step/task.") var pathspec: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try Pathspec(parsing: pathspec)
        print(try Browse.logs(spec, store: try storeOptions.open(creating: false), json: json))
    }
}
