import SpindleStore

/// What another process asks a flow binary's `spin` to do, as plain values:
/// the contract between `spin` and the shell, the MCP server and `watch`,
/// as ``TaskInvocation`` is between the runtime and a task process. It
/// renders its own argument vector (``arguments``), and parses the plain
/// command lines people and those callers write (``init(parsing:)``)
/// without ArgumentParser; the outcome comes back as a ``SpinReport``
/// (`report`), and overrides go in a file of ``SpinOverrides``.
///
/// ```swift
/// var spin = SpinInvocation(step: "train")
/// spin.index = [2, 1]
/// spin.overridesFile = path            // SpinOverrides.write(to:)
/// spin.report = reportPath             // SpinReport.read(from:)
/// run(binary, spin.arguments)          // ["spin", "train", "--index", "2.1", …]
/// ```
public struct SpinInvocation: Sendable, Equatable {
    public var step: String?
    public var at: String?
    public var sourceRun: String?
    /// A shared store (a profile of spindle.toml) whose run to spin here: its
    /// run is mirrored into the local store and the spin is written there.
    public var from: String?
    /// Where the spun task runs: nil or `local` here, `slurm` as a Slurm job.
    public var executor: String?
    public var task: String?
    public var index = SplitAddress.first
    public var allSplits = false
    public var sets: [String] = []
    public var setFiles: [String] = []
    public var withDecorators = false
    public var noTimeout = false
    public var after: String?
    public var atol: Double = 0
    public var rtol: Double = 0
    public var json = false
    public var failOnDiff = false
    public var noRebuild = false
    public var quiet = false
    public var maxWorkers: Int?
    public var overridesFile: String?
    public var report: String?
    public var store: String?
    /// Run the task under a debugger (``DebuggerExecutor``).
    public var debug = false
    /// Which debugger: gdb, lldb or wait (default: lldb where it starts, else gdb).
    public var debugger: String?
    /// A file of debugger commands to run in batch after the stop.
    public var debuggerCommands: String?

    public init(step: String? = nil) { self.step = step }

    /// The argument vector, `spin` first, each option only when it differs
    /// from its default; ``init(parsing:)`` reads it back to the same value.
    public var arguments: [String] {
        var a = ["spin"]
        if let step { a.append(step) }
        func option(_ name: String, _ value: String?) { if let value { a += ["--" + name, value] } }
        option("at", at)
        option("run", sourceRun)
        option("from", from)
        option("executor", executor)
        option("task", task)
        if index != .first { option("index", index.description) }
        for s in sets { option("set", s) }
        for s in setFiles { option("set-file", s) }
        option("after", after)
        if atol != 0 { option("atol", "\(atol)") }
        if rtol != 0 { option("rtol", "\(rtol)") }
        option("max-workers", maxWorkers.map(String.init))
        option("overrides-file", overridesFile)
        option("report", report)
        option("store", store)
        option("debugger", debugger)
        option("debugger-commands", debuggerCommands)
        for (flag, on) in [("debug", debug), ("all-splits", allSplits), ("with-decorators", withDecorators), ("no-timeout", noTimeout),
                           ("json", json), ("fail-on-diff", failOnDiff), ("no-rebuild", noRebuild), ("quiet", quiet)] where on {
            a.append("--" + flag)
        }
        return a
    }
}

/// A hand parser for the plain `spin` command lines that people, the shell
/// and the MCP server write, because ArgumentParser's reflection over
/// `SpinCommand`'s twenty options (and its completion-script check) was the
/// largest single cost of a spin's command process.
///
/// It accepts only what it is sure ArgumentParser reads the same way: one
/// step name; `--name value` or `--name=value` for the known options, each
/// singular option at most once; the known flags, each at most once. Anything
/// else — help, `--`, a short option, a value that looks like an option, a
/// number that does not parse, an unknown name — gives nil, and the command
/// line goes to ArgumentParser, which parses it or explains what is wrong.
/// `SpinInvocationTests` checks the two parsers agree, and that it reads
/// back what ``arguments`` renders.
extension SpinInvocation {
    /// Parses `arguments` (the words after `spin`), or returns nil when
    /// ArgumentParser should.
    public init?(parsing arguments: [String]) {
        self.init()
        var seen: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            i += 1
            guard word.hasPrefix("--") else {
                // A step name; a short option or a second positional is ArgumentParser's to judge.
                guard !word.hasPrefix("-"), step == nil, !word.isEmpty, word != "help" else { return nil }
                step = word
                continue
            }
            var name = String(word.dropFirst(2))
            var attached: String?
            if let eq = name.firstIndex(of: "=") {
                attached = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if let flag = Self.flag(name) {
                guard attached == nil, Self.first(name, &seen) else { return nil }
                self[keyPath: flag] = true
                continue
            }
            // Every other option takes a value, attached or the next word.
            let value: String
            if let attached {
                value = attached
            } else {
                guard i < arguments.count, !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            }
            switch name {
            case "set": sets.append(value)
            case "set-file": setFiles.append(value)
            default:
                guard Self.first(name, &seen) else { return nil }
                switch name {
                case "at": at = value
                case "run": sourceRun = value
                case "from": from = value
                case "executor": executor = value
                case "task": task = value
                case "after": after = value
                case "overrides-file": overridesFile = value
                case "report": report = value
                case "store": store = value
                case "debugger": debugger = value
                case "debugger-commands": debuggerCommands = value
                case "index":
                    guard let address = try? SplitAddress(parsing: value) else { return nil }
                    index = address
                case "max-workers":
                    guard let n = Int(value) else { return nil }
                    maxWorkers = n
                case "atol", "rtol":
                    guard let x = Double(value), x.isFinite else { return nil }
                    if name == "atol" { atol = x } else { rtol = x }
                default:
                    return nil
                }
            }
        }
    }

    /// The flag `spin` takes by the long name `name`, if it is one.
    private static func flag(_ name: String) -> WritableKeyPath<SpinInvocation, Bool>? {
        switch name {
        case "all-splits": \.allSplits
        case "with-decorators": \.withDecorators
        case "no-timeout": \.noTimeout
        case "json": \.json
        case "fail-on-diff": \.failOnDiff
        case "no-rebuild": \.noRebuild
        case "quiet": \.quiet
        case "debug": \.debug
        default: nil
        }
    }

    /// Whether `name` is met for the first time; notes it.
    private static func first(_ name: String, _ seen: inout [String]) -> Bool {
        if seen.contains(name) { return false }
        seen.append(name)
        return true
    }
}
