import ArgumentParser
import Foundation
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// Parses `--set` and `--set-file` arguments into overrides for all parents
/// (`name=value`) and for one parent of a join (`inputs[N].name=value`).
struct OverrideParser {
    var all: [String: Value] = [:]
    var byParent: [Int: [String: Value]] = [:]

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
        if let parent { byParent[parent, default: [:]][artifact] = value } else { all[artifact] = value }
    }

    /// Overrides from a file in the artifact format: an object of `name` or
    /// `inputs[N].name` to value (how the shell hands its changed variables to spin).
    mutating func add(contentsOf path: String) throws {
        let value: Value
        do { value = try ArtifactCodec.decode(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ValidationError("--overrides-file \(path): \(error)")
        }
        guard case .object(let o) = value else { throw ValidationError("--overrides-file \(path): not an object") }
        for (key, v) in o {
            if key.hasPrefix("inputs["), let close = key.firstIndex(of: "]"),
               let n = Int(key[key.index(key.startIndex, offsetBy: 7)..<close]) {
                byParent[n, default: [:]][String(key[key.index(close, offsetBy: 2)...])] = v
            } else {
                all[key] = v
            }
        }
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
func describe(_ outcome: SpinOutcome, console: Console) -> String {
    var lines: [String] = []
    for t in outcome.tasks {
        let seconds = String(format: "%.2f s", t.task.duration ?? 0)
        if t.succeeded {
            var head = console.paint("✓ \(t.task.pathspec) completed in \(seconds)", "32")
            if let o = t.original {
                head += ", against \(o):"
                lines.append(head)
                lines.append(t.diff.map { $0.isEmpty ? "  outputs unchanged" : $0.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") } ?? "  (no diff)")
            } else {
                lines.append(head + " (the step did not run in \(outcome.source.pathspec), so there is nothing to compare)")
            }
        } else {
            lines.append(console.paint("✗ \(t.task.pathspec) failed after \(seconds): \(t.task.error ?? "unknown error")", "31"))
        }
    }
    return lines.joined(separator: "\n")
}

func outcomeJSON(_ outcome: SpinOutcome) -> Value {
    .object(["spin": .string(outcome.run.pathspec.description), "source": .string(outcome.source.pathspec.description),
             "succeeded": .bool(outcome.succeeded), "changed": .bool(outcome.changed),
             "tasks": .array(outcome.tasks.map { t in
                 ["task": .string(t.task.pathspec.description), "status": .string(t.task.status.rawValue),
                  "original": t.original.map { .string($0.description) } ?? .null,
                  "error": t.task.error.map { .string($0) } ?? .null,
                  "diff": t.diff?.jsonValue ?? .null]
             })])
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
        Retry and catch are off unless --with-decorators; timeout stays. The result is stored as a \
        spin (Flow/spin-N), and its outputs are diffed against the task it re-ran.

        Exit status: 0 when the step succeeded; 1 when it failed; 3 with --fail-on-diff when its outputs changed.
        """)

    @Argument(help: "The step to spin (or give --at FILE:LINE).") var step: String?
    @Option(help: ArgumentHelp("Spin the step whose body holds this line.", valueName: "FILE:LINE")) var at: String?
    @Option(name: .customLong("run"), help: "The run to take parents from (default: the latest completed run that has them).")
    var sourceRun: String?
    @Option(help: "An earlier task of this step whose inputs to reuse (run/step/task).") var task: String?
    @Option(help: "Which split of a foreach or branch (default 0).") var index: Int = 0
    @Flag(help: "Spin every split.") var allSplits = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Replace an input: name=value (a literal or JSON).", valueName: "name=value"))
    var sets: [String] = []
    @Option(name: .customLong("set-file"), help: ArgumentHelp("Replace an input with a JSON file's value.", valueName: "name=FILE"))
    var setFiles: [String] = []
    @Flag(help: "Keep the step's retry and catch.") var withDecorators = false
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
    var arguments: SpinArguments {
        SpinArguments(step: step, at: at, sourceRun: sourceRun, task: task, index: index, allSplits: allSplits,
                      sets: sets, setFiles: setFiles, withDecorators: withDecorators, after: after, atol: atol,
                      rtol: rtol, json: json, failOnDiff: failOnDiff, noRebuild: noRebuild, quiet: quiet,
                      maxWorkers: maxWorkers, overridesFile: overridesFile, report: report, store: storeOptions.store)
    }

    func run() throws { try arguments.run() }
}

/// What `spin` was asked to do, as plain values: `SpinCommand` fills it
/// from ArgumentParser, and `init?(fastParsing:)` from a plain command line
/// without ArgumentParser's reflection (see `DirectDispatch`).
struct SpinArguments: Equatable {
    var step: String?
    var at: String?
    var sourceRun: String?
    var task: String?
    var index = 0
    var allSplits = false
    var sets: [String] = []
    var setFiles: [String] = []
    var withDecorators = false
    var after: String?
    var atol: Double = 0
    var rtol: Double = 0
    var json = false
    var failOnDiff = false
    var noRebuild = false
    var quiet = false
    var maxWorkers: Int?
    var overridesFile: String?
    var report: String?
    var store: String?

    func run() throws {
        Trace.mark("spin: arguments parsed")
        let graph = Spindle.graph
        let step = try resolveStep(self.step, at: at, graph: graph)
        var overrides = OverrideParser()
        for s in sets { try overrides.add(s, fromFile: false) }
        for s in setFiles { try overrides.add(s, fromFile: true) }
        if let overridesFile { try overrides.add(contentsOf: overridesFile) }
        var request = SpinRequest(step: step, index: index, allSplits: allSplits, overrides: overrides.all,
                                  parentOverrides: overrides.byParent, withDecorators: withDecorators,
                                  tolerance: Tolerance(absolute: atol, relative: rtol),
                                  maxWorkers: maxWorkers ?? ProcessInfo.processInfo.activeProcessorCount)
        if let sourceRun {
            guard let id = RunID(sourceRun), !id.isSpin else { throw ValidationError("--run '\(sourceRun)' is not a run id (use --after for spins)") }
            request.run = id
        }
        if let task { request.task = try flowPathspec(task, flow: graph.flow.name) }
        if let after {
            let text = after.hasPrefix("spin-") ? after : (after.split(separator: "/").first { $0.hasPrefix("spin-") }.map(String.init) ?? after)
            guard let id = RunID(text), id.isSpin else { throw ValidationError("--after '\(after)' is not a spin id (like spin-3)") }
            request.after = id
        }
        if !noRebuild { try rebuildIfStale(graph: graph) }
        let store = try StoreOptions.open(store, creating: false)
        let console = Console(echoTaskOutput: !quiet && !json)
        let engine = SpinEngine(graph: graph, store: store, console: console)
        Trace.mark("spin: store open")
        let plan = try engine.plan(request)
        Trace.mark("spin: planned")
        for warning in try unknownOverrides(request, plan: plan, store: store, graph: graph) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if !json {
            let what = plan.tasks.count == 1 ? (plan.tasks[0].splits.last.map { "split \($0.index) of \($0.count)" } ?? "")
                : "\(plan.tasks.count) splits"
            var line = "spinning \(step)\(what.isEmpty ? "" : " (\(what))") on \(plan.source.pathspec)"
            if let a = request.after { line += " after \(graph.flow.name)/\(a)" }
            let changes = overrides.all.map { "\($0.key)=\($0.value.summary(width: 30))" }.sorted()
                + overrides.byParent.flatMap { i, o in o.map { "inputs[\(i)].\($0.key)=\($0.value.summary(width: 30))" } }.sorted()
            if !changes.isEmpty { line += " with " + changes.joined(separator: ", ") }
            console.line(line)
        }
        let finalRequest = request
        // Ctrl-C ends the step's process; the spin is recorded as failed and we exit 130.
        let registry = ChildRegistry()
        let interrupted = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            interrupted.set()
            registry.killAll(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { registry.killAll(SIGKILL) }
        }
        source.resume()
        let outcome = try runBlocking { try await engine.run(plan, finalRequest, registry: registry) }
        Trace.mark("spin: ran, recorded and diffed")
        source.cancel()
        if let report {
            try Data(outcomeJSON(outcome).jsonText().utf8).write(to: URL(fileURLWithPath: report))
        }
        if interrupted.isSet {
            try store.finishRun(flow: outcome.run.flow, id: outcome.run.id, status: .cancelled, error: "cancelled (Ctrl-C)")
            console.line("spin \(outcome.run.pathspec) cancelled")
            throw ExitCode(130)
        }
        print(json ? outcomeJSON(outcome).jsonText(pretty: true) : describe(outcome, console: console))
        if !outcome.succeeded { throw ExitCode.failure }
        if failOnDiff && outcome.changed { throw ExitCode(3) }
    }}

/// A warning for each `--set` name that no parent has as an artifact and
/// the flow has not as a parameter: the step gets it as a new input, which is
/// most often a misspelt name, so say so (and suggest the nearest).
func unknownOverrides(_ request: SpinRequest, plan: SpinPlan, store: Store, graph: FlowGraph) throws -> [String] {
    guard !request.overrides.isEmpty else { return [] }
    var known = graph.flow.parameters.map(\.name)
    // A step inside a foreach also reads its split's item as `input`.
    if let task = plan.tasks.first, !task.splits.isEmpty { known.append("input") }
    for parent in plan.tasks.first?.parents ?? [] { known += try store.artifacts(of: parent).map(\.name) }
    return request.overrides.keys.sorted().filter { !known.contains($0) }.map { name in
        let hint = Store.nearest(name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        return "'\(name)' is not an artifact of the step's inputs nor a parameter; the step gets it as a new input\(hint)"
    }
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
