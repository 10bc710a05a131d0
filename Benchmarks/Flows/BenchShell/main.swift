import Spindle
import SpindleUI

// The stand-alone spindle tool, built in release mode for Benchmarks/shell-start
// and Benchmarks/cards (its run browser; no MCP server).
SpindleTool.main(mcpServer: { _ in print("this benchmark build of spindle has no MCP server") },
                 runBrowser: { store, host, port, ready in
                     let server = try HTTPServer(host: host, port: port, handler: RunBrowser(store: store).respond)
                     ready(server.url)
                     server.serve()
                 })
