import Foundation
import Spindle
import SpindleMCP
import SpindleUI

SpindleTool.main(mcpServer: { store in try await SpindleMCPServer.run(store: store) },
                 runBrowser: { store, host, port, ready in
                     let server = try HTTPServer(host: host, port: port, handler: RunBrowser(store: store).respond)
                     ready(server.url)
                     server.serve()
                 })
