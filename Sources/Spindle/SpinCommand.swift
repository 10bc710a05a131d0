import ArgumentParser
import Foundation
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// Parses `--set` and `--set-file` arguments into overrides for all parents
/// (`name=value`) and for one parent of a join (`inputs[N].name=value`).
struct OverrideParser {
    var overrides = SpinOverrides()

    mutating func add(_ argument: String, fromFile: Bool) throws {
        let flag = fromFile ? "--set-file" : "--set"
        guard let eq = argument.firstIndex(of: "=") else {
            throw ValidationError("\(flag) \(argument): expected name=\(fromFile ? "FILE.json" : "value")")
        }
        let name = String(argument[..<eq])
        let rest = String(argument[argument.index(after: eq)...])
        var parent: Int?
        var artifact = name
        if name.hasPrefix("inputs[") {
            guard let close = name.firstIndex(of: "]"), let n = Int(name[name.index(name.startIndex, offsetBy: 7)..<close]),
                  name[name.index(after: close)...].hasPrefix(".") else {
                throw ValidationError("\(flag) \(argument): a join's parent is named inputs[N].name")
            }
            parent = n
            artifact = String(name[name.index(close, offsetBy: 2)...])
        }
        guard Pathspec.isIdentifier(artifact) else {
            throw ValidationError("\(flag) \(argument): '\(artifact)' is not an artifact or parameter name")
        }
        let text: String
        if fromFile {
            do { text = try String(contentsOfFile: rest, encoding: .utf8) } catch {
                throw ValidationError("\(flag) \(argument): cannot read \(rest): \(error.localizedDescription)")
            }
        } else {
            text = rest
        }
        let value: Value
        do { value = try Literal.parse(text) } catch {
            if fromFile { throw ValidationError("\(flag) \(argument): \(rest) is not a value (JSON or a literal): \(error)") }
            throw ValidationError("\(flag) \(name)=…: not a value\n" + error.pointing(at: text, indent: "  "))
        }
        if let parent { overrides.byInput[parent, default: [:]][artifact] = value } else { overrides.all[artifact] = value }
    }

    /// Overrides from a file of ``SpinOverrides`` (how the shell and the MCP
    /// server hand their changed values to spin).
    mutating func add(contentsOf path: String) throws {
        let read: SpinOverrides
        do { read = try SpinOverrides.read(from: path) } catch { throw ValidationError("--overrides-file \(path): \(error)") }
        overrides.all.merge(read.all) { _, b in b }
        for (i, o) in read.byInput { overrides.byInput[i, default: [:]].merge(o) { _, b in b } }
    }
}

/// Set from a signal handler, read after the work it interrupted.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Prints a spin's outcome for people.
func describe(_ outcome: SpinOutcome, console: Console, shape: FlowShape) -> String {
    var lines: [String] = []
    for t in outcome.tasks {
        let seconds = String(format: "%.2f s", t.task.duration ?? 0)
        // With several splits, each line says which one it is.
        let place = outcome.tasks.count > 1 ? shape.describe(t.task.splits) : ""
        let name = place.isEmpty ? t.task.pathspec.description : "\(t.task.pathspec) \(place)"
        if t.succeeded {
            var head = console.paint("✓ \(name) completed in \(seconds)", "32")
            if let o = t.original {
                head += ", against \(o):"
                lines.append(head)
                lines.append(t.diff.map { $0.isEmpty ? "  outputs unchanged" : $0.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") } ?? "  (no diff)")
            } else {
                lines.append(head + " (the step did not run in \(outcome.source.pathspec), so there is nothing to compare)")
            }
        } else {
            lines.append(console.paint("✗ \(name) failed after \(seconds): \(t.task.error ?? "unknown error")", "31"))
        }
    }
    return lines.joined(separator: "\n")
}

/// The step named, or the one whose body holds `FILE:LINE`.
func resolveStep(_ step: String?, at: String?, graph: FlowGraph) throws -> String {
    if let at {
        guard step == nil else { throw ValidationError("give a step or --at FILE:LINE, not both") }
        guard let colon = at.lastIndex(of: ":"), let line = Int(at[at.index(after: colon)...]), line > 0 else {
            throw ValidationError("--at \(at): expected FILE:LINE, like Sources/MyFlow/main.swift:42")
        }
        do { return try graph.shape.step(at: String(at[..<colon]), line: line).name } catch {
            throw ValidationError("--at \(at): \(error)")
        }
    }
    guard let step else { throw ValidationError("which step? give its name, or --at FILE:LINE") }
    return step
}

extension SplitAddress: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

/// Rebuilds the flow binary when its sources changed, then runs the new one
/// with the same arguments. Returns when no rebuild was needed.
func rebuildIfStale(graph: FlowGraph) throws {
    let env = ProcessInfo.processInfo.environment
    guard env["SPINDLE_REBUILT"] == nil, env["SPINDLE_NO_REBUILD"] == nil,
          let build = FlowBuild.locate(binary: currentExecutable(), flowFile: graph.flow.file), build.isStale() else { return }
    FileHandle.standardError.write(Data("sources changed: rebuilding \(build.product)…\n".utf8))
    do { try build.rebuild() } catch let f as FlowBuild.Failure {
        FileHandle.standardError.write(Data((f.output + "\nerror: the build failed; nothing was run\n").utf8))
        throw ExitCode.failure
    }
    setenv("SPINDLE_REBUILT", "1", 1)
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    execv(build.binary, argv)
    throw ValidationError("cannot run the rebuilt \(build.binary): \(String(cString: strerror(errno)))")
}

struct SpinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin",
        abstract: "Run one step on the real artifacts of a real run, with changes, and diff its outputs.",
        discussion: """
        Parents come from the latest completed run that has them (--run for another, --task to reuse an \
        earlier task's inputs, --after to take an earlier spin's outputs). Overrides replace inputs: \
        --set rate=0.05, --set 'layers=[64, 32]', --set-file ratings=small.json; in a join, \
        --set 'inputs[1].rmse=0.5' changes one parent. Parameters are overridden the same way. \
        Retry and catch are off unless --with-decorators; the timeout stays unless --no-timeout. The result is stored as a \
        spin (Flow/spin-N), and its outputs are diffed against the task it re-ran.

        Exit status: 0 when the step succeeded; 1 when it failed; 3 with --fail-on-diff when its outputs changed.
        """)

    @Argument(help: "The step to spin (or give --at FILE:LINE).") var step: String?
    @Option(help: ArgumentHelp("Spin the step whose body holds this line.", valueName: "FILE:LINE")) var at: String?
    @Option(name: .customLong("run"), help: "The run to take parents from (default: the latest completed run that has them).")
    var sourceRun: String?
    @Option(help: "An earlier task of this step whose inputs to reuse (run/step/task).") var task: String?
    @Option(help: ArgumentHelp("Which split, outermost foreach first: 2, or 2.1 for split 1 inside split 2 (default 0; a branch's arm is named by its step).",
                               valueName: "N[.N…]"))
    var index: SplitAddress = .first
    @Flag(help: "Spin every split.") var allSplits = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Replace an input: name=value (a literal or JSON).", valueName: "name=value"))
    var sets: [String] = []
    @Option(name: .customLong("set-file"), help: ArgumentHelp("Replace an input with a JSON file's value.", valueName: "name=FILE"))
    var setFiles: [String] = []
    @Flag(help: "Keep the step's retry and catch.") var withDecorators = false
    @Flag(help: "Turn the step's timeout off (for slow debugging by hand).") var noTimeout = false
    @Option(help: "Take this earlier spin's outputs as the parent they replace (e.g. spin-3).") var after: String?
    @Option(help: "Absolute tolerance for numbers in the diff.") var atol: Double = 0
    @Option(help: "Relative tolerance for numbers in the diff.") var rtol: Double = 0
    @Flag(help: "Print the outcome as JSON.") var json = false
    @Flag(help: "Exit with status 3 when the outputs changed.") var failOnDiff = false
    @Flag(help: "Do not rebuild the flow when its sources changed.") var noRebuild = false
    @Flag(help: "Do not echo the step's output.") var quiet = false
    @Option(help: "How many splits run at once with --all-splits.") var maxWorkers: Int?
    @Option(help: .hidden) var overridesFile: String?
    @Option(help: .hidden) var report: String?
    @OptionGroup var storeOptions: StoreOptions

    /// The parsed options as plain values.
    var invocation: SpinInvocation {
        var s = SpinInvocation(step: step)
        (s.at, s.sourceRun, s.task, s.index, s.allSplits) = (at, sourceRun, task, index, allSplits)
        (s.sets, s.setFiles, s.withDecorators, s.noTimeout, s.after) = (sets, setFiles, withDecorators, noTimeout, after)
        (s.atol, s.rtol, s.json, s.failOnDiff, s.noRebuild, s.quiet) = (atol, rtol, json, failOnDiff, noRebuild, quiet)
        (s.maxWorkers, s.overridesFile, s.report, s.store) = (maxWorkers, overridesFile, report, storeOptions.store)
        return s
    }

    func run() throws { try invocation.run() }
}

/// The options of a diff: tolerances, JSON, and the exit status for a difference.
struct DiffOptions: ParsableArguments {
    @Option(help: "Absolute tolerance for numbers.") var atol: Double = 0
    @Option(help: "Relative tolerance for numbers.") var rtol: Double = 0
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit with status 3 when they differ.") var failOnDiff = false

    /// Prints the diff of two tasks; exit status 3 with --fail-on-diff when they differ.
    func print(_ a: Pathspec, _ b: Pathspec, store: Store) throws {
        let diff = try store.diffTasks(old: a, new: b, tolerance: Tolerance(absolute: atol, relative: rtol))
        Swift.print(json ? diff.jsonValue.jsonText(pretty: true) : diff.description)
        if failOnDiff && !diff.isEmpty { throw ExitCode(3) }
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two tasks' outputs (any two tasks or spins).",
        discussion: "Each PATHSPEC is run/step/task, like 3/train/2 or spin-1/train/1. Exit status 3 with --fail-on-diff when they differ.")
    @Argument(help: "The old task.") var old: String
    @Argument(help: "The new task.") var new: String
    @OptionGroup var diffOptions: DiffOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let flow = Spindle.graph.flow.name
        try diffOptions.print(try flowPathspec(old, flow: flow), try flowPathspec(new, flow: flow), store: try storeOptions.open(creating: false))
    }
}
