import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// The stand-alone `spindle` tool: browse any store without a flow binary.
public struct SpindleTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spindle",
        abstract: "Browse a Spindle store: its flows, runs, tasks, artifacts and logs.",
        discussion: "The store is .spindle in this directory or above it, or --store PATH, or $SPINDLE_STORE.",
        subcommands: [ShellTool.self, ReplayTool.self, MCPTool.self, FlowsTool.self, RunsTool.self, ShowTool.self, LogsTool.self, DiffTool.self, GCTool.self])

    public init() {}

    /// The MCP server `spindle mcp` runs, set by ``main(mcpServer:)``.
    nonisolated(unsafe) static var mcpServer: (@Sendable (Store) async throws -> Void)?

    /// Runs the tool with `mcpServer` serving `spindle mcp`.
    public static func main(mcpServer: @escaping @Sendable (Store) async throws -> Void) {
        self.mcpServer = mcpServer
        // `spindle runs | head`: a closed pipe ends the output, not the process by a signal.
        signal(SIGPIPE, SIG_IGN)
        DirectDispatch.main(SpindleTool.self, Array(CommandLine.arguments.dropFirst()))
    }
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

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

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

struct DiffTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare two tasks' outputs (any two tasks or spins).",
        discussion: "Exit status 3 with --fail-on-diff when they differ.")
    @Argument(help: "The old task: Flow/run/step/task.") var old: String
    @Argument(help: "The new task: Flow/run/step/task.") var new: String
    @OptionGroup var diffOptions: DiffOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try diffOptions.print(try Pathspec(parsing: old), try Pathspec(parsing: new), store: try storeOptions.open(creating: false))
    }
}

struct GCTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove old spins, then artifact bytes nothing uses any more.",
        discussion: "Never removes a blob that a run or a remaining spin uses. AGE is a number with a unit: 30m, 12h, 7d (default 7d).")
    @Option(help: "Remove spins older than this.") var olderThan: String = "7d"
    @Flag(help: "Say what would be removed, and remove nothing.") var dryRun = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let age = try parseAge(olderThan)
        let report = try storeOptions.open(creating: false).collectGarbage(spinsOlderThan: age, dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        print("\(verb) \(report.spins.count) spin\(report.spins.count == 1 ? "" : "s") and \(report.blobs) blob\(report.blobs == 1 ? "" : "s") (\(NumberFormatting.count(report.bytes)) bytes)")
        for s in report.spins { print("  \(s)") }
    }
}

/// `30s`, `30m`, `12h`, `7d` as seconds.
func parseAge(_ text: String) throws -> TimeInterval {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    guard let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n >= 0 else {
        throw ValidationError("'\(text)' is not an age; write a number and a unit: 30m, 12h, 7d")
    }
    return n * scale
}
