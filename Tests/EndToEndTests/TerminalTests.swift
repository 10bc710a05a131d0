import Foundation
import Synchronization
import Testing
import SpindleStore

/// The shell on a real pseudo-terminal: the child gets the terminal as its
/// controlling tty, so libedit edits lines and Ctrl-C reaches it as SIGINT.
final class PseudoTerminal: @unchecked Sendable {
    let master: Int32
    let pid: pid_t
    private let screen = Mutex("")

    init(_ binary: String, _ arguments: [String], directory: URL, colour: Bool = false,
         environment: [String: String] = [:]) throws {
        var m: Int32 = 0, s: Int32 = 0
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { throw SupportError("openpty failed") }
        // ttyname_r, not ttyname: ttyname's static buffer, shared by two terminals opened at once
        // (the concurrency test), once gave one of them a garbled path ("posix_spawn failed: 21", EISDIR).
        var name = [CChar](repeating: 0, count: 256)
        guard ttyname_r(s, &name, name.count) == 0 else { close(s); close(m); throw SupportError("ttyname_r failed") }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        close(s)
        master = m
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)  // after setsid: the controlling tty
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, m)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        // POSIX_SPAWN_SETSID (glibc; not exported to Swift): a new session, so opening the tty makes it the controlling one.
        posix_spawnattr_setflags(&attr, Int16(0x80))
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["HOME"] = directory.path  // no user ~/.editrc
        if colour { env.removeValue(forKey: "NO_COLOR") } else { env["NO_COLOR"] = "1" }
        env["SPINDLE_NO_REBUILD"] = "1"
        env.removeValue(forKey: "SPINDLE_STORE")
        for (k, v) in environment { env[k] = v }
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, &attr, argv, envp)
        for p in argv { free(p) }
        for p in envp { free(p) }
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attr)
        guard rc == 0 else { throw SupportError("posix_spawn failed: \(rc)") }
        pid = child
        Thread.detachNewThread { [self] in
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &buf, buf.count)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                let text = String(decoding: buf[0..<n], as: UTF8.self)
                screen.withLock { $0 += text }
            }
        }
    }

    func type(_ text: String) {
        _ = text.withCString { write(master, $0, strlen($0)) }
        usleep(150_000)
    }

    /// Waits until the screen shows `text` (after `from` characters), or fails after a minute: a
    /// shell started beside the rest of the suite on two cores has taken seconds to say anything.
    @discardableResult
    func waitFor(_ text: String, after from: Int = 0) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if screen.withLock({ $0.count > from && $0.dropFirst(from).contains(text) }) { return true }
            usleep(20_000)
        }
        return false
    }

    var length: Int { screen.withLock { $0.count } }
    var text: String { screen.withLock { $0 } }

    /// The shell's exit status once it exits; nil (and the shell killed) after a minute.
    func waitForExit() -> Int32? {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return (status >> 8) & 0xff }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        return nil
    }

    deinit { close(master) }
}

@Suite("The shell on a terminal")
struct TerminalTests {
    @Test("type a line, recall and edit it with Up, complete a name with Tab, Ctrl-C a line, quit; the history file keeps them")
    func editing() throws {
        let box = try ratingsSandbox()
        let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path], directory: box.dir)
        #expect(term.waitFor("RatingsFlow/1> "), "no prompt: \(term.text)")
        term.type("answer = 41\r")
        #expect(term.waitFor("answer = Int 41"))
        var mark = term.length
        term.type("\u{1B}[A")           // Up: the last line again
        term.type("\u{7F}2\r")          // Backspace, 2, Enter
        #expect(term.waitFor("answer = Int 42", after: mark), "\(term.text)")
        mark = term.length
        term.type("answ\t")             // Tab completes the variable
        term.type("+ 1\r")
        #expect(term.waitFor("43", after: mark), "\(term.text)")
        mark = term.length
        term.type("this line is dropped\u{03}")   // Ctrl-C clears the line
        term.type("1 + 1\r")
        #expect(term.waitFor("\r\n2\r\n", after: mark), "\(term.text)")
        term.type("\u{04}")             // Ctrl-D leaves
        #expect(term.waitForExit() == 0)
        let history = try String(contentsOf: box.storeRoot.appendingPathComponent("history"), encoding: .utf8)
        let lines = history.split(separator: "\n").map(String.init)
        #expect(lines.contains("answer = 41"))
        #expect(lines.contains("answer = 42"))
        #expect(lines.contains { $0.hasPrefix("answer") && $0.hasSuffix("+ 1") }, "\(lines)")
        #expect(lines.contains("1 + 1"))
        #expect(!history.contains("dropped"))
    }

    @Test("without libedit the shell on a terminal says line editing is off, and still shows its prompt and evaluates lines")
    func withoutLibEdit() throws {
        let box = try ratingsSandbox()
        let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path], directory: box.dir,
                                      environment: ["SPINDLE_LIBEDIT": "libedit-that-is-not-there.so"])
        #expect(term.waitFor("line editing is off: libedit could not be loaded ("), "\(term.text)")
        #expect(term.waitFor("apt-get install libedit2"), "\(term.text)")
        #expect(term.waitFor("RatingsFlow/1> "), "no prompt: \(term.text)")
        let mark = term.length
        term.type("6 * 7\r")
        #expect(term.waitFor("42", after: mark), "\(term.text)")
        term.type("\u{04}")
        #expect(term.waitForExit() == 0)
    }

    @Test("a flow binary and the spindle command do not link libedit: only a shell on a terminal loads it")
    func libEditNotLinked() throws {
        for name in ["HelloFlow", "spindle"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
            p.arguments = [try product(name)]
            let out = Pipe()
            p.standardOutput = out
            try p.runSerialized()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(text.contains("libc.so"), "ldd said: \(text)")
            #expect(!text.contains("libedit"), "\(name) links libedit: \(text)")
        }
    }

    @Test("Ctrl-C stops a long evaluation: z = range(100000000) * 2 + 1 is interrupted, z is not assigned, the shell goes on")
    func interruptEvaluation() throws {
        let box = try Sandbox()
        _ = try Store.open(at: box.storeRoot)
        let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path], directory: box.dir)
        #expect(term.waitFor("spindle> "), "no prompt: \(term.text)")
        var mark = term.length
        let started = Date()
        term.type("z = range(100000000) * 2 + 1\r")
        usleep(300_000)
        term.type("\u{03}")            // Ctrl-C while the line runs: SIGINT from the terminal
        #expect(term.waitFor("interrupted (Ctrl-C): nothing was assigned", after: mark), "\(term.text)")
        // Uninterrupted, the line runs for tens of seconds in a debug build.
        #expect(Date().timeIntervalSince(started) < 10)
        mark = term.length
        term.type("z\r")
        #expect(term.waitFor("no command or variable 'z'", after: mark), "\(term.text)")
        mark = term.length
        term.type("1 + 1\r")
        #expect(term.waitFor("\r\n2\r\n", after: mark), "\(term.text)")
        term.type("\u{04}")
        // At a terminal a failed line is shown and the session goes on: Ctrl-D leaves with 0.
        #expect(term.waitForExit() == 0)
    }

    @Test("a transcript recorded at a colour terminal, with spins and variables made before, replays clean on a fresh store")
    func recordReplays() throws {
        let box = try ratingsSandbox()
        // A spin before the session: the recorded spin is spin-2 here, spin-1 on replay.
        #expect(try box.run("RatingsFlow", ["spin", "train", "--quiet", "--no-rebuild"]).status == 0)
        let file = box.dir.appendingPathComponent("recorded.txt").path
        let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path], directory: box.dir, colour: true)
        #expect(term.waitFor("RatingsFlow/1> "), "no prompt: \(term.text)")
        for line in ["x = 41", "focus train 1", "input = 0.05", "record \(file)", "spin", "vars", "out.rate", "x + 1", "stop"] {
            let mark = term.length
            term.type(line + "\r")
            #expect(term.waitFor("> ", after: mark + line.count + 2), "\(line): \(term.text)")
        }
        term.type("\u{04}")
        #expect(term.waitForExit() == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("\u{1B}"), "colour codes in \(text)")
        #expect(text.contains("{{spin1}}"), "\(text)")
        #expect(!text.contains("spin-2"), "\(text)")
        #expect(text.contains("> x = 41\n"), "\(text)")
        #expect(text.contains("> input = 0.05\n"), "\(text)")
        let replay = try box.run("spindle", ["replay", file, "--check"])
        #expect(replay.status == 0, "\(replay.output)\n\(text)")
    }

    @Test("Tab leaves no space after a folder or a member; spin ids complete; Right ends a Ctrl-R search; UTF-8 is typed")
    func completionAndSearch() throws {
        let box = try ratingsSandbox()
        #expect(try box.run("RatingsFlow", ["spin", "train", "--quiet", "--no-rebuild"]).status == 0)
        let term = try PseudoTerminal(try product("spindle"), ["shell", "--store", box.storeRoot.path], directory: box.dir)
        #expect(term.waitFor("RatingsFlow/1> "), "no prompt: \(term.text)")
        var mark = term.length
        term.type("load Rat\t")
        term.type("1\r")
        #expect(term.waitFor("loaded RatingsFlow/1 ", after: mark), "\(term.text)")
        mark = term.length
        term.type("focus train 1\r")
        #expect(term.waitFor("focused train", after: mark), "\(term.text)")
        mark = term.length
        term.type("len(ratings.val\t")
        term.type(")\r")
        #expect(term.waitFor("\r\n600\r\n", after: mark), "\(term.text)")
        mark = term.length
        term.type("logs RatingsFlow/spin-\t")
        term.type("\u{15}")           // Ctrl-U: drop the line, the completion is checked in the history below
        term.type("word = \"héllo wörld\"\r")
        #expect(term.waitFor("héllo wörld", after: mark), "\(term.text)")
        mark = term.length
        term.type("\u{12}len(rat")    // Ctrl-R: search back
        term.type("\u{1B}[C")         // Right: ends the search, moves
        term.type("\r")
        #expect(term.waitFor("\r\n600\r\n", after: mark), "\(term.text)")
        term.type("\u{04}")
        #expect(term.waitForExit() == 0)
        let history = try String(contentsOf: box.storeRoot.appendingPathComponent("history"), encoding: .utf8)
        let lines = history.split(separator: "\n").map(String.init)
        #expect(lines.contains("load RatingsFlow/1"), "\(lines)")
        #expect(lines.filter { $0 == "len(ratings.values)" }.count == 2, "\(lines)")
        #expect(!history.contains("[C"), "\(lines)")
        #expect(history.contains("h\\303\\251llo") || history.contains("héllo"), "\(lines)")
        // Tab completed the spin id: the screen, less the bell and cursor moves, shows it.
        let screen = term.text.replacing(try Regex("\u{1B}\\[[0-9;]*[A-Za-z]|\u{07}|\r"), with: "")
        #expect(screen.contains("logs RatingsFlow/spin-1/"), "\(screen)")
    }
}
