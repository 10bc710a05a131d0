import Foundation
import Testing
import SpindleStore

/// Where the browser's screenshots go: $SPINDLE_SCREENSHOTS, or .build/ui-screenshots.
let screenshotsFolder: URL = {
    if let dir = ProcessInfo.processInfo.environment["SPINDLE_SCREENSHOTS"] { return URL(fileURLWithPath: dir) }
    return productsDirectory.deletingLastPathComponent().appendingPathComponent("ui-screenshots")
}()

/// `spindle ui` on a free port of a sandbox's store; stopped when done.
final class RunningUI {
    let process: Watched
    let url: String
    let port: Int

    init(_ box: Sandbox, arguments: [String] = []) throws {
        process = try Watched(try product("spindle"), ["ui", "--port", "0"] + arguments, directory: box.dir)
        guard process.waitFor("serving", seconds: 30),
              let line = process.output.split(separator: "\n").first(where: { $0.contains("serving") }),
              let at = line.range(of: "http://") else {
            process.process.terminate()
            throw SupportError("spindle ui did not start: \(process.output)")
        }
        url = String(line[at.lowerBound...].prefix { $0 != " " })
        port = Int(url.split(separator: ":").last!.filter(\.isNumber))!
    }

    deinit { if process.process.isRunning { process.process.terminate(); process.process.waitUntilExit() } }
}

/// A GET over a plain socket: the status and the body (no client library between the test and the server).
func httpGet(port: Int, _ path: String, method: String = "GET", readBody: Bool = true) throws -> (status: Int, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr)
    let ok = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard ok == 0 else { throw SupportError("cannot connect to port \(port)") }
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    guard readBody else { return (0, "") }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        data += buffer[0..<n]
    }
    let text = String(decoding: data, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, body)
}

@Suite("The run browser", .serialized)
struct RunBrowserTests {
    @Test("Chromium opens the runs, a run's graph, a task's artifacts and drawn card, a value, a spin's diff, a live card advancing, and a card file offline; no planted script runs",
          .timeLimit(.minutes(10)))
    func inChromium() throws {
        let box = try Sandbox()
        let run = try box.run("CardFlow", ["run"])
        #expect(run.status == 0, "\(run.output)")
        let spin = try box.run("CardFlow", ["spin", "train", "--set", "epochs=4"])
        #expect(spin.status == 0, "\(spin.output)")
        let file = box.dir.appendingPathComponent("card.html")
        let get = try box.run("spindle", ["card", "get", "CardFlow/1/start/1", "-o", file.path])
        #expect(get.status == 0 && get.stdout.contains("wrote \(file.path)"), "\(get.output)")
        // A run whose train step refreshes its card every 0.3 s for two minutes, stopped when the
        // test ends: ten seconds, as before, did not leave much for starting the server and
        // Chromium on a loaded machine before the card stopped being live.
        let live = try box.start("CardFlow", ["run", "--epochs", "400"], environment: ["CARD_SLOW": "120"])
        // Only while it runs: once Foundation has reaped it, its pid may be another process's.
        defer { if live.process.isRunning { live.process.terminate() }; _ = live.finish() }
        let store = try box.store()
        let deadline = Date().addingTimeInterval(60)
        while (try? store.cards(of: Pathspec(parsing: "CardFlow/2/train/2")).first) == nil, Date() < deadline { usleep(50_000) }
        #expect(try store.cards(of: Pathspec(parsing: "CardFlow/2/train/2")).first?.live == true)

        let ui = try RunningUI(box)
        let python = ProcessInfo.processInfo.environment["SPINDLE_PYTHON"] ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ui/browse.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, script, ui.url, screenshotsFolder.path, "/card/CardFlow/2/train/2/card", file.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.runSerialized()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "browse.py failed:\n\(stdout)\n\(stderr)")
        let checks = (try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(checks.count >= 20, "\(stdout)\n\(stderr)")
        for c in checks where (c["ok"] as? Bool) != true { Issue.record("browser check failed: \(c["check"] ?? "?"): \(c["detail"] ?? "")") }
        // A person can look at every page.
        for name in ["01-runs", "02-run", "03-task", "04-value", "05-diff", "06-live", "07-card-file"] {
            let png = try Data(contentsOf: screenshotsFolder.appendingPathComponent(name + ".png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name).png is not a PNG")
        }
        // The UI wrote nothing: still two runs, one spin.
        #expect(try store.runs(flow: "CardFlow").count == 2)
        #expect(try store.runs(flow: "CardFlow", spins: true).count == 1)
    }

    @Test("the server: unknown paths are 404, huge values are bounded, every field is escaped, a client leaving mid-answer harms nothing, and only loopback without --allow-remote")
    func serverSafety() throws {
        let box = try Sandbox()
        #expect(try box.run("CardFlow", ["run", "--epochs", "3"]).status == 0)
        let ui = try RunningUI(box)
        for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/task/CardFlow/1/start", "/run/..%2f..%2fetc/1", "/nope",
                     "/card/CardFlow/1/start/1/nocard", "/value/CardFlow/1/start/1/nothing", "/run/NoFlow/1", "/diff"] {
            let r = try httpGet(port: ui.port, path)
            #expect(r.status == 404, "\(path) → \(r.status)")
            #expect(!r.body.contains("root:"), "\(path)")
        }
        // A million doubles: the value page lists a bounded part and charts a reduced line.
        let big = try httpGet(port: ui.port, "/value/CardFlow/1/start/1/big")
        #expect(big.status == 200)
        #expect(big.body.utf8.count < 600_000, "\(big.body.utf8.count) bytes")
        // Hostile strings everywhere are text, never markup.
        for path in ["/", "/run/CardFlow/1", "/task/CardFlow/1/start/1", "/card/CardFlow/1/start/1/card", "/card/CardFlow/1/start/1/default",
                     "/value/CardFlow/1/start/1/label", "/?q=%3Cscript%3E"] {
            let r = try httpGet(port: ui.port, path)
            #expect(r.status == 200, "\(path) → \(r.status)")
            #expect(!r.body.contains("<script>window.__xss"), "\(path) has the planted script as markup")
            #expect(!r.body.contains("<img src=x"), "\(path) has the planted image as markup")
        }
        // The default card shows the task's output (escaped) and its artifacts.
        let card = try httpGet(port: ui.port, "/card/CardFlow/1/start/1/default")
        #expect(card.body.contains("a log line: &lt;script&gt;"), "\(card.body.prefix(2000))")
        #expect(card.body.contains("curve"))
        // Clients that leave at once, many times, while a big page is being written: the server still answers.
        for _ in 0..<50 { _ = try httpGet(port: ui.port, "/value/CardFlow/1/start/1/big", readBody: false) }
        #expect(try httpGet(port: ui.port, "/").status == 200)
        // Anything but GET is refused: the browser only reads.
        #expect(try httpGet(port: ui.port, "/", method: "POST").status == 405)
        #expect(try httpGet(port: ui.port, "/", method: "DELETE").status == 405)
        #expect(ui.process.process.isRunning)
        let remote = try box.run("spindle", ["ui", "--host", "0.0.0.0", "--port", "0"])
        #expect(remote.status != 0 && remote.stderr.contains("--allow-remote"), "\(remote.output)")
    }

    @Test("the shell's card and MCP's card tool read a task's cards as text; show lists them")
    func shellAndMCP() async throws {
        let box = try Sandbox()
        #expect(try box.run("CardFlow", ["run", "--epochs", "3"]).status == 0)
        let shell = try box.runWithInput("spindle", ["shell", "CardFlow/1", "--keep-going"],
                                         input: "focus train\ncard\ncard 1/start/1 default\ncard 1/start/1 nope\n")
        #expect(shell.stdout.contains("card 'card' of CardFlow/1/train/2"), "\(shell.output)")
        #expect(shell.stdout.contains("training loss"), "\(shell.output)")
        #expect(shell.stdout.contains("card 'default' of CardFlow/1/start/1"), "\(shell.output)")
        #expect(shell.stderr.contains("CardFlow/1/start/1 has no card 'nope'; its cards: default, card"), "\(shell.output)")
        let mcp = try await MCPSession(store: box.storeRoot)
        let shown = try await mcp.call("show", #"{"pathspec":"CardFlow/1/start/1"}"#).text
        #expect(shown.contains("cards: default, card (read one with the card tool)"), "\(shown)")
        let card = try await mcp.call("card", #"{"pathspec":"CardFlow/1/start/1"}"#)
        #expect(!card.isError && card.text.contains("Report"), "\(card.text)")
        let fallback = try await mcp.call("card", #"{"pathspec":"CardFlow/1/end/3"}"#)
        #expect(!fallback.isError && fallback.text.contains("completed"), "\(fallback.text)")
        let missing = try await mcp.call("card", #"{"pathspec":"CardFlow/1/start/1","name":"nope"}"#)
        #expect(missing.isError && missing.text.contains("has no card"), "\(missing.text)")
    }
}
