import Foundation
import SpindleLanguage
import SpindleValue
import Testing

/// A minimal MCP client: JSON-RPC 2.0 messages, one per line, over the
/// server process's stdin and stdout, answers matched by id.
final class MCPSession {
    let process = Process()
    let input: FileHandle
    let output: FileHandle
    var buffer = Data()
    var nextID = 1

    init(store: URL) throws {
        process.executableURL = URL(fileURLWithPath: try product("spindle"))
        process.arguments = ["mcp", "--store", store.path]
        var env = ProcessInfo.processInfo.environment
        env["SPINDLE_NO_REBUILD"] = "1"
        process.environment = env
        let toServer = Pipe(), fromServer = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = FileHandle.nullDevice
        try process.run()
        input = toServer.fileHandleForWriting
        output = fromServer.fileHandleForReading
        let hello = try request("initialize", #"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"spindle-tests","version":"1.0"}}"#)
        guard hello["result"]?["serverInfo"]?["name"] == "spindle" else { throw SupportError("no initialize result: \(hello)") }
        input.write(Data(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8 + [10]))
    }

    deinit {
        try? input.close()
        process.waitUntilExit()
    }

    /// Sends a request and waits for the answer with its id.
    func request(_ method: String, _ params: String) throws -> Value {
        let id = nextID
        nextID += 1
        input.write(Data(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#.utf8 + [10]))
        while true {
            while let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                let message = try Literal.parse(line)
                if message["id"] == .int(Int64(id)) { return message }
            }
            let chunk = output.availableData
            guard !chunk.isEmpty else { throw SupportError("the server closed its output") }
            buffer.append(chunk)
        }
    }

    /// Calls a tool; returns its text and whether it is an error.
    func call(_ tool: String, _ arguments: String = "{}") throws -> (text: String, isError: Bool) {
        let answer = try request("tools/call", #"{"name":"\#(tool)","arguments":\#(arguments)}"#)
        guard case .array(let content)? = answer["result"]?["content"] else { throw SupportError("no content: \(answer)") }
        let text = content.compactMap { item -> String? in if case .string(let s)? = item["text"] { s } else { nil } }.joined(separator: "\n")
        return (text, answer["result"]?["isError"] == .bool(true))
    }
}

@Suite("The MCP server")
struct MCPTests {
    @Test("every tool answers over stdio, and bad arguments are errors, not crashes")
    func tools() throws {
        let box = try ratingsSandbox()
        let mcp = try MCPSession(store: box.storeRoot)
        let list = try mcp.request("tools/list", "{}")
        guard case .array(let tools)? = list["result"]?["tools"] else { Issue.record("no tools: \(list)"); return }
        let names = Set(tools.compactMap { t -> String? in if case .string(let n)? = t["name"] { n } else { nil } })
        #expect(names == ["list_runs", "failed_tasks", "show", "step_context", "evaluate", "spin", "diff"])

        #expect(try mcp.call("list_runs", #"{"flow":"RatingsFlow"}"#).text.contains("completed"))
        #expect(try mcp.call("failed_tasks").text == "no failed tasks in the last 20 runs")
        #expect(try mcp.call("show", #"{"pathspec":"RatingsFlow/1/pick/5"}"#).text.contains("best_rmse"))

        let context = try mcp.call("step_context", #"{"flow":"RatingsFlow","step":"train","index":1}"#).text
        #expect(context.contains("source: ") && context.contains("Step(\"train\""), "\(context)")
        #expect(context.contains("inputs from RatingsFlow/1/start/1:"))
        #expect(context.contains("last output (attempt 1):"))

        #expect(try mcp.call("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"len(ratings.values)"}"#).text == "600")
        let write = try mcp.call("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"x = 1"}"#)
        #expect(write.isError && write.text.contains("read-only"))

        let spin = try mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","index":1,"overrides":{"input":"0.2"}}"#)
        #expect(!spin.isError, "\(spin.text)")
        #expect(spin.text.contains("✓ RatingsFlow/spin-1/train/1 completed"), "\(spin.text)")
        #expect(spin.text.contains("~ rate: 0.01 → 0.2"))
        #expect(try mcp.call("diff", #"{"old":"RatingsFlow/1/train/3","new":"RatingsFlow/spin-1/train/1"}"#).text.contains("~ rate: 0.01 → 0.2"))

        for (tool, args, message) in [
            ("show", #"{"pathspec":"../etc/passwd"}"#, "bad pathspec"),
            ("show", "{}", "missing argument 'pathspec'"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"len("}"#, "^"),
            ("step_context", #"{"flow":"RatingsFlow","step":"trian"}"#, "did you mean 'train'"),
            ("list_runs", #"{"limit":0}"#, "limit must be 1…500"),
            ("nothing", "{}", "no tool 'nothing'"),
        ] {
            let r = try mcp.call(tool, args)
            #expect(r.isError, "\(tool)")
            #expect(r.text.contains(message), "\(tool): \(r.text)")
        }
    }
}
