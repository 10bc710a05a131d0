import Foundation

/// Runs a spin's task process under a debugger, stopped at the first line of
/// the step's body with the parents' state loaded: interactively on the
/// terminal, or in batch with a file of debugger commands (what the tests
/// and scripts use). No timeout applies.
public struct DebuggerExecutor: TaskExecutor {
    /// The debuggers Spindle knows how to drive.
    public enum Debugger: String, Sendable, CaseIterable {
        case gdb, lldb
        /// Start the task and wait for a debugger to attach (an editor's debugger, say).
        case wait
    }

    public let binary: String
    public let debugger: Debugger
    /// Where to stop: the step body's first line.
    public let file: String
    public let line: Int
    /// A file of debugger commands run after the stop; the debugger exits after them.
    public let commands: String?

    public init(binary: String, debugger: Debugger, file: String, line: Int, commands: String?) {
        self.binary = binary
        self.debugger = debugger
        self.file = file
        self.line = line
        self.commands = commands
    }

    /// The environment variable that makes a task process wait for a debugger.
    public static let waitVariable = "SPINDLE_WAIT_FOR_DEBUGGER"

    /// The debugger to use: the one asked for, checked to start here; else
    /// lldb when it starts, else gdb. `note` hears why lldb was passed over.
    public static func choose(_ requested: Debugger?, note: (String) -> Void) throws(FlowError) -> Debugger {
        if requested == .wait { return .wait }
        if requested != .gdb {
            switch lldbProblem() {
            case nil: return .lldb
            case let problem?:
                if requested == .lldb { throw FlowError.usage("lldb does not start here: \(problem)") }
                note("lldb does not start here (\(problem)); using gdb")
            }
        }
        guard findInPath("gdb") != nil else {
            throw FlowError.usage("no debugger found: install gdb (apt-get install gdb), or an lldb that starts (Debian's needs the Python it was built with)")
        }
        return .gdb
    }

    /// Why `lldb --version` fails here (Debian's lldb for Swift needs a Python it may lack), or nil when it starts.
    static func lldbProblem() -> String? {
        guard let path = findInPath("lldb") else { return "it is not installed" }
        let out = LineCollector()
        guard let status = try? runStreaming(path, ["--version"], line: { l, _ in out.append(l) }, interrupted: { false }) else {
            return "it cannot be started"
        }
        if status.succeeded { return nil }
        return out.text.split(separator: "\n").last.map(String.init) ?? "it \(status)"
    }

    static func findInPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// A gdb command for Swift's async steps, whose locals gdb shows as
    /// `<optimized out>`: their DWARF places them at an offset from the async
    /// context the function was entered with, which x86-64 keeps in r14.
    /// `swift-print NAME [TYPE]` reads one there (TYPE a C type, double by default).
    static let gdbHelper = #"""
    import gdb, re

    class SwiftPrint(gdb.Command):
        """swift-print NAME [C-TYPE]: print a Swift local, also one in an async step's context (double by default)."""
        def __init__(self):
            super().__init__("swift-print", gdb.COMMAND_DATA)

        def invoke(self, arg, from_tty):
            words = arg.split(None, 1)
            if not words:
                raise gdb.GdbError("swift-print NAME [C-TYPE]")
            name, ctype = words[0], (words[1] if len(words) > 1 else "double")
            where = gdb.execute("info address " + name, to_string=True)
            m = re.search(r"DW_OP_entry_value.*?DW_OP_reg14.*?DW_OP_plus_uconst (\d+)", where, re.S)
            if m:
                value = gdb.parse_and_eval("*(%s *)($r14 + %s)" % (ctype, m.group(1)))
            else:
                value = gdb.parse_and_eval("*(%s *)&%s" % (ctype, name))
            text = repr(float(value)) if ctype in ("double", "float") else str(value)
            print("%s = %s" % (name, text))

    SwiftPrint()
    """#

    /// The helper written where gdb can source it.
    static func gdbHelperFile() -> String? {
        let path = NSTemporaryDirectory() + "spindle-\(getuid())-gdb-swift-print.py"
        if (try? String(contentsOfFile: path, encoding: .utf8)) == gdbHelper { return path }
        do { try gdbHelper.write(toFile: path, atomically: true, encoding: .utf8) } catch { return nil }
        return path
    }

    /// The debugger's command line before the task's own (`gdb … --args`).
    var launcher: [String] {
        switch debugger {
        case .gdb:
            let helper = DebuggerExecutor.gdbHelperFile().map { ["-ex", "source \($0)"] } ?? []
            var a = [DebuggerExecutor.findInPath("gdb") ?? "gdb", "-q", "-iex", "set complaints 0"] + helper + ["-ex", "set breakpoint pending on", "-ex", "set print thread-events off",
                     "-ex", "break \(file):\(line)", "-ex", "run"]
            if let commands { a += ["-batch", "-x", commands] }
            return a + ["--args"]
        case .lldb:
            var a = [DebuggerExecutor.findInPath("lldb") ?? "lldb", "-o", "breakpoint set --file \(file) --line \(line)", "-o", "run"]
            if let commands { a += ["-b", "-s", commands] }
            return a + ["--"]
        case .wait:
            return []
        }
    }

    public func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult {
        let untimed = step.with(timeout: nil)
        if commands != nil || debugger == .wait {
            // Batch (or waiting for an editor): output is captured as always, so the log keeps the session.
            return await TaskLauncher.run(inv, binary: binary, launcher: launcher, timeout: untimed.timeout, logLimit: logLimit,
                                          console: console, registry: registry, label: "\(inv.step)/\(inv.task)",
                                          environment: debugger == .wait ? [DebuggerExecutor.waitVariable: "1"] : [:])
        }
        let command = launcher + [binary, TaskInvocation.command] + inv.arguments
        do {
            let status = try runInTerminal(command[0], Array(command.dropFirst()))
            return AttemptResult(status: status, timedOut: false, stdout: "",
                                 stderr: "(the task ran under \(debugger.rawValue) on the terminal; its output went there)\n", truncated: false)
        } catch {
            return AttemptResult(status: ExitStatus(code: 127, signal: nil), timedOut: false, stdout: "", stderr: "\(error)", truncated: false)
        }
    }
}
