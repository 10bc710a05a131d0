import Foundation
import Logging
import MCP
import SystemPackage
import Testing

/// Forwards to the SDK's `StdioTransport`, but turns the end of the server's
/// output into an error. swift-sdk 0.12.1's `Client` reads in
/// `repeat { for try await … } while true`: a stream that simply ends (the
/// server exited) makes it spin at full CPU with requests left waiting
/// (upstream issue #256). A thrown error ends that loop, so a dead server is
/// a failed test, not a hung one.
actor EndOfOutputGuard: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private let onEnd: @Sendable () async -> Void
    private var stream: AsyncThrowingStream<Data, any Error>?
    private var closing = false

    init(_ inner: StdioTransport, onEnd: @escaping @Sendable () async -> Void) {
        self.inner = inner
        self.logger = inner.logger
        self.onEnd = onEnd
    }

    func connect() async throws {
        try await inner.connect()
        let source = await inner.receive()
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        self.stream = stream
        Task {
            do {
                for try await message in source { continuation.yield(message) }
                continuation.finish(throwing: MCPError.connectionClosed)
            } catch {
                continuation.finish(throwing: error)
            }
            if !self.closing { await self.onEnd() }
        }
    }

    func disconnect() async {
        closing = true
        await inner.disconnect()
    }

    func send(_ data: Data) async throws { try await inner.send(data) }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        stream ?? AsyncThrowingStream { $0.finish(throwing: MCPError.connectionClosed) }
    }
}

/// The server process ended before the client connected.
struct ServerExited: Error, CustomStringConvertible {
    let status: Int32
    let stderr: String
    var description: String { "the server exited with status \(status): \(stderr)" }
}

/// The first of several racing results; later ones are dropped. Lets a wait
/// end on whichever happens first without waiting for the others to finish.
final class FirstOutcome<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?
    private var waiter: CheckedContinuation<Value, any Error>?

    func succeed(_ value: Value) { settle(.success(value)) }
    /// Settles it with `error`, unless it is settled already; returns whether this settled it.
    @discardableResult
    func fail(_ error: any Error) -> Bool { settle(.failure(error)) }

    @discardableResult
    private func settle(_ outcome: Result<Value, any Error>) -> Bool {
        lock.lock()
        guard result == nil else { lock.unlock(); return false }
        result = outcome
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(with: outcome)
        return true
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(with: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

/// `spindle mcp` in a child process, driven by the SDK's own MCP client over
/// the child's stdin and stdout, as Claude Code or any MCP host would.
final class MCPSession {
    let process = Process()
    let toServer = Pipe(), fromServer = Pipe(), errors = Pipe()
    let client = Client(name: "spindle-tests", version: "1.0")
    var serverName = ""

    init(store: URL, environment: [String: String] = [:], directory: URL? = nil) async throws {
        signal(SIGPIPE, SIG_IGN)  // a write to a dead server is an error, not the end of the test runner
        process.executableURL = URL(fileURLWithPath: try product("spindle"))
        process.arguments = ["mcp", "--store", store.path]
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["SPINDLE_NO_REBUILD"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = errors
        let outcome = FirstOutcome<String>()
        try process.runSerialized()
        // Drains the server's stderr, so it never blocks on a full pipe; the
        // end of it is the server's exit.
        Thread.detachNewThread { [errors, process] in
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            outcome.fail(ServerExited(status: process.terminationStatus, stderr: text))
        }
        let stdio = StdioTransport(input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
                                   output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
        let transport = EndOfOutputGuard(stdio) { [client] in await client.disconnect() }
        // The SDK's connect can miss a server that dies while it starts (its
        // disconnect may run before the initialize request is registered, and
        // that request then waits forever). So the server's exit, or a
        // deadline, ends the wait too, whichever comes first.
        Task { [client] in
            do { outcome.succeed(try await client.connect(transport: transport).serverInfo.name) }
            catch { outcome.fail(error) }
        }
        let deadline = Task { [process] in
            // Long: with two cores, tests that block on processes can hold the test pool's
            // threads for tens of seconds, and this wait (and the client's reading) with them.
            try await Task.sleep(for: .seconds(240))
            // Not a server that answered just before (its session goes on; only this task woke first).
            if outcome.fail(MCPError.internalError("the server did not answer initialize within 240 s")), process.isRunning {
                process.terminate()
            }
        }
        // Only the start has this deadline: a session still in use 240 s later is not ended by it.
        defer { deadline.cancel() }
        serverName = try await outcome.value()
    }

    /// Disconnects, closes the server's input and waits for it to exit.
    func close() async -> Int32 {
        await client.disconnect()
        try? toServer.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Calls a tool with arguments written as a JSON object; returns its text and whether it is an error.
    func call(_ tool: String, _ arguments: String = "{}") async throws -> (text: String, isError: Bool) {
        try await call(tool, try JSONDecoder().decode([String: MCP.Value].self, from: Data(arguments.utf8)))
    }

    /// Calls a tool with arguments as values; returns its text and whether it is an error.
    func call(_ tool: String, _ arguments: [String: MCP.Value]) async throws -> (text: String, isError: Bool) {
        let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
        let text = content.compactMap { item -> String? in
            if case .text(let text, _, _) = item { text } else { nil }
        }.joined(separator: "\n")
        return (text, isError ?? false)
    }
}

@Suite("The MCP server")
struct MCPTests {
    @Test("every tool answers over stdio, and bad arguments are errors, not crashes")
    func tools() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        #expect(mcp.serverName == "spindle")
        let (tools, _) = try await mcp.client.listTools()
        #expect(Set(tools.map(\.name)) == ["list_runs", "failed_tasks", "show", "step_context", "evaluate", "spin", "diff", "card"])
        #expect(tools.allSatisfy { !($0.description ?? "").isEmpty })

        #expect(try await mcp.call("list_runs", #"{"flow":"RatingsFlow"}"#).text.contains("completed"))
        #expect(try await mcp.call("failed_tasks").text == "no failed tasks in the last 20 runs")
        #expect(try await mcp.call("show", #"{"pathspec":"RatingsFlow/1/pick/5"}"#).text.contains("best_rmse"))

        let context = try await mcp.call("step_context", #"{"flow":"RatingsFlow","step":"train","index":1}"#).text
        #expect(context.contains("source: ") && context.contains("Step(\"train\""), "\(context)")
        #expect(context.contains("inputs from RatingsFlow/1/start/1:"))
        #expect(context.contains("last output (attempt 1):"))

        #expect(try await mcp.call("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"len(ratings.values)"}"#).text == "600")
        let write = try await mcp.call("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"x = 1"}"#)
        #expect(write.isError && write.text.contains("read-only"))

        let spin = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","index":1,"overrides":{"input":"0.2"}}"#)
        #expect(!spin.isError, "\(spin.text)")
        #expect(spin.text.contains("✓ RatingsFlow/spin-1/train/1 completed"), "\(spin.text)")
        #expect(spin.text.contains("~ rate: 0.01 → 0.2"))
        #expect(try await mcp.call("diff", #"{"old":"RatingsFlow/1/train/3","new":"RatingsFlow/spin-1/train/1"}"#).text.contains("~ rate: 0.01 → 0.2"))
        // The next spin runs in the process the server started ahead after the first (its standby).
        let again = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","index":1,"overrides":{"input":"0.3"}}"#)
        #expect(!again.isError, "\(again.text)")
        #expect(again.text.contains("✓ RatingsFlow/spin-2/train/1 completed"), "\(again.text)")
        #expect(again.text.contains("~ rate: 0.01 → 0.3"), "\(again.text)")

        for (tool, args, message) in [
            ("show", #"{"pathspec":"../etc/passwd"}"#, "bad pathspec"),
            ("show", "{}", "missing argument 'pathspec'"),
            ("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"len("}"#, "^"),
            ("step_context", #"{"flow":"RatingsFlow","step":"trian"}"#, "did you mean 'train'"),
            ("list_runs", #"{"limit":0}"#, "argument 'limit' of list_runs must be an integer 1…500, not the number 0"),
            ("nothing", "{}", "no tool 'nothing'"),
        ] {
            let r = try await mcp.call(tool, args)
            #expect(r.isError, "\(tool)")
            #expect(r.text.contains(message), "\(tool): \(r.text)")
        }
        #expect(await mcp.close() == 0)
    }

    @Test("evaluate with a chain of 50 000 terms is an error with a caret, not a crash of the server (issue 15)")
    func longChains() async throws {
        let box = try ratingsSandbox()
        let mcp = try await MCPSession(store: box.storeRoot)
        for (first, next) in [("1", " + 1"), ("2", " * 1"), ("true", " && true"), ("'a'", " + 'a'"), ("ratings", ".a"), ("rates", "[0]")] {
            let expression = first + String(repeating: next, count: 49_999)
            let arguments = String(decoding: try JSONSerialization.data(withJSONObject: ["flow": "RatingsFlow", "step": "train", "expression": expression]), as: UTF8.self)
            let r = try await mcp.call("evaluate", arguments)
            #expect(r.isError, "\(first)")
            #expect(r.text.contains("^ expression nested too deeply (more than 64 levels)"), "\(r.text.prefix(300))")
            #expect(r.text.count < 400)
        }
        #expect(try await mcp.call("evaluate", #"{"flow":"RatingsFlow","step":"train","expression":"len(ratings.values)"}"#).text == "600")
        #expect(await mcp.close() == 0)
    }

    @Test("a server that cannot start is a failed connection with its reason, not a hang")
    func badStore() async throws {
        let box = try Sandbox()
        let missing = box.dir.appendingPathComponent("no-such-store")
        let error = await #expect(throws: ServerExited.self) { _ = try await MCPSession(store: missing) }
        #expect(error?.status == 1)
        #expect(error?.stderr.contains("no Spindle store") == true, "\(error?.stderr ?? "")")
    }
}
