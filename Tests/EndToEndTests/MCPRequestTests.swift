import Foundation
import MCP
import Testing

@Suite("The MCP server's requests")
struct MCPRequestTests {
    /// A store with one HelloFlow run, and a server on it.
    private func session() async throws -> (Sandbox, MCPSession) {
        let box = try Sandbox()
        let out = try box.run("HelloFlow", ["run"])
        guard out.status == 0 else { throw SupportError("HelloFlow run failed: \(out.output)") }
        return (box, try await MCPSession(store: box.storeRoot))
    }

    @Test("a request over 4 MiB is refused unread, with an error naming the cap, and the server goes on")
    func overTheCap() async throws {
        let (_, mcp) = try await session()
        let text = String(repeating: "x", count: 5 << 20)
        do {
            let r = try await mcp.call("evaluate", ["flow": "HelloFlow", "step": "shout", "expression": .string("len(\"\(text)\")")])
            Issue.record("a 5 MiB request was answered: \(r.text.prefix(200))")
        } catch let error as MCPError {
            #expect(error.code == -32600, "\(error)")
            #expect("\(error)".contains("request too large"), "\(error)")
            #expect("\(error)".contains("4 MiB (4194304 bytes)"), "\(error)")
            #expect("\(error)".count < 1000, "\("\(error)".prefix(300))")
        }
        // The line was dropped to its end: the next request is read as itself.
        #expect(try await mcp.call("evaluate", #"{"flow":"HelloFlow","step":"shout","expression":"len(\"abc\")"}"#).text == "3")
        #expect(await mcp.close() == 0)
    }

    @Test("a large request under the cap is read whole and answered", arguments: [256 << 10, 2 << 20, (4 << 20) - 1024])
    func underTheCap(size: Int) async throws {
        let (_, mcp) = try await session()
        let r = try await mcp.call("evaluate", ["flow": "HelloFlow", "step": "shout", "expression": .string("len(\"\(String(repeating: "x", count: size))\")")])
        if size + 7 <= 1 << 20 {
            #expect(!r.isError, "\(r.text.prefix(300))")
            #expect(r.text == "\(size)")
        } else {
            // Read whole and answered: by the shell language's own line limit (1 MiB), in a bounded answer.
            #expect(r.isError)
            #expect(r.text.contains("the most a line can have is 1 048 576"), "\(r.text.prefix(300))")
            #expect(r.text.count < 8200)
        }
        #expect(await mcp.close() == 0)
    }
}
