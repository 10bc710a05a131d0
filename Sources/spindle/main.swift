import Spindle
import SpindleMCP

SpindleTool.main(mcpServer: { store in try await SpindleMCPServer.run(store: store) })
