import ArgumentParser
import Foundation
import SpindleStore

/// Serves a store over MCP. The server itself (and the MCP SDK, which pulls in
/// FoundationNetworking and libcurl) is linked only into the `spindle` tool,
/// which hands it over through ``SpindleTool/main(mcpServer:)``: flow binaries,
/// started once per task, stay small and quick to load.
struct MCPTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the store to an AI assistant over MCP (stdio).",
        discussion: "Tools: list_runs, failed_tasks, show, step_context, evaluate (read-only), spin, diff. Nothing but protocol messages goes to stdout. See the README for Claude Code's configuration.")
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        guard let server = SpindleTool.mcpServer else {
            throw ValidationError("this build of spindle has no MCP server")
        }
        let store = try storeOptions.open(creating: false)
        try runBlocking { try await server(store) }
    }
}
