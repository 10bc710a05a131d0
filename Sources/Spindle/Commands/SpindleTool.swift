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
        subcommands: [ShellCommand.self, ReplayTool.self, MCPTool.self, FlowsTool.self, RunsTool.self, ShowCommand.self, LogsCommand.self, DiffCommand.self, ExportCommand.self, GCTool.self, CacheTool.self, UITool.self, CardCommand.self])

    public init() {}

    /// The MCP server `spindle mcp` runs, set by ``main(mcpServer:)``.
    nonisolated(unsafe) static var mcpServer: (@Sendable (Store) async throws -> Void)?

    /// The run browser `spindle ui` serves, set by ``main(mcpServer:runBrowser:)``.
    nonisolated(unsafe) static var runBrowser: RunBrowserServer?

    /// Runs the tool with `mcpServer` serving `spindle mcp` and `runBrowser` serving `spindle ui`.
    public static func main(mcpServer: @escaping @Sendable (Store) async throws -> Void, runBrowser: RunBrowserServer? = nil) {
        self.mcpServer = mcpServer
        self.runBrowser = runBrowser
        // `spindle runs | head`: a closed pipe ends the output, not the process by a signal.
        signal(SIGPIPE, SIG_IGN)
        DirectDispatch.main(SpindleTool.self, Array(CommandLine.arguments.dropFirst()))
    }
}
