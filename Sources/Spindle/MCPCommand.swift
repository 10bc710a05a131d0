import ArgumentParser
import Foundation
import SpindleMCP
import SpindleStore

struct MCPTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the store to an AI assistant over MCP (stdio).",
        discussion: "Tools: list_runs, failed_tasks, show, step_context, evaluate (read-only), spin, diff. Nothing but protocol messages goes to stdout. See the README for Claude Code's configuration.")
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open(creating: false)
        try runBlocking { try await SpindleMCPServer.run(store: store) }
    }
}
