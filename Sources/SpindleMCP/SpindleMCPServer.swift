import Foundation
import MCP
import SpindleCards
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue
import OrderedCollections

/// Spindle's value type (MCP has its own `Value`).
typealias ArtifactValue = SpindleValue.Value

/// An MCP server over stdio, so an AI assistant can read a store and spin:
/// list runs, find failed tasks, show a pathspec, read a step's context,
/// evaluate an expression on a step's inputs (read-only), spin with
/// overrides, and diff. Every answer — success or error — is text, cut at
/// ``outputLimit`` characters; values appear as summaries, never whole
/// arrays. A request longer than ``requestLimit`` bytes is refused unread.
///
/// What it can touch: the one store it was started on (reads), and — through
/// `spin` only — new spin runs in that store, made by the flow binary the
/// source run recorded. It writes nothing else and reads no other files
/// except a step's own source file for `step_context`. The spins it starts
/// end with it: a cancelled call, the client going away, or SIGTERM ends
/// them, and they are recorded as cancelled.
public enum SpindleMCPServer {
    /// The most characters one answer carries.
    public static let outputLimit = 8000

    /// The most bytes one request (one line of JSON-RPC) may have: 4 MiB.
    public static let requestLimit = 4 << 20

    /// How long the server waits, when it exits, for the spins it stops to record themselves.
    static let stopWait = 10.0

    /// Serves on stdin/stdout until the client disconnects.
    public static func run(store: Store) async throws {
        signal(SIGPIPE, SIG_IGN)  // a client gone mid-answer is an error to handle, not the end
        removeStaleFiles(store)
        let spins = SpinProcesses()
        let server = Server(name: "spindle", version: "0.1.0", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: specs.map(\.tool)) }
        await server.withMethodHandler(CallTool.self) { params in
            let text: String, isError: Bool
            do {
                (text, isError) = try await call(params.name, params.arguments ?? [:], store: store, spins: spins)
            } catch is CancellationError {
                throw CancellationError()  // a cancelled call gets no answer (MCP's cancellation)
            } catch {
                (text, isError) = ("error: \(error)", true)
            }
            return .init(content: [.text(text: cut(text), annotations: nil, _meta: nil)], isError: isError)
        }
        // Asked to end (a host closing, Ctrl-C): end the spins first, then go.
        let watch = SignalWatch([SIGTERM, SIGINT, SIGHUP]) { _ in
            Task {
                await spins.stopAll(within: stopWait)
                exit(0)
            }
        }
        try await server.start(transport: LineTransport())
        await server.waitUntilCompleted()
        await spins.stopAll(within: stopWait)
        watch.stop()
    }

    static func cut(_ s: String) -> String {
        s.count <= outputLimit ? s : String(s.prefix(outputLimit)) + "\n… (cut at \(outputLimit) characters; ask for less, e.g. a pathspec deeper or a smaller limit)"
    }

    /// Overrides files of servers that were killed before they could remove them.
    static func removeStaleFiles(_ store: Store) {
        let dir = store.root.appendingPathComponent("tmp")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasPrefix("mcp-") {
            guard let pid = pid_t(name.dropFirst(4).prefix { $0.isASCII && $0.isNumber }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        }
    }

    // MARK: Tools

    static let flowArgument = ToolArgument(name: "flow", kind: .string, description: "The flow's name, as in pathspecs, e.g. \"RatingsFlow\" (list_runs shows them).", required: true)
    static let stepArgument = ToolArgument(name: "step", kind: .string, description: "A step of the flow, by name, e.g. \"train\".", required: true)
    static let runArgument = ToolArgument(name: "run", kind: .run, description: "The run whose artifacts the step reads: a run number, e.g. 3 or \"3\", \"latest\" (the latest completed run; the default), or a shared store's run, e.g. \"prod:42\" (copied into this store first; the spin is stored here). Not a spin: to build on a spin's outputs, give after.")
    static let indexArgument = ToolArgument(name: "index", kind: .index, description: "For a step inside a foreach: which split, counting from 0, e.g. 2 (the third element). Inside nested foreaches, one index per level, outermost first, e.g. [2, 1] (split 1 of the inner foreach in split 2 of the outer); a shorter list names the innermost levels, the outer ones taken as 0. Default: the first split. A step in no foreach takes none.")
    static let afterArgument = ToolArgument(name: "after", kind: .string, description: "A spin whose outputs replace, as the step's inputs, the parent tasks it re-ran, e.g. \"spin-1\": how spins chain down the graph (spin train, then spin pick with after \"spin-1\"). Default: none, the run's own tasks.")

    static let specs: [ToolSpec] = [
        ToolSpec(name: "list_runs",
                 description: "List a flow's runs (or every flow's), newest first, each with its id, status, start, duration and parameters. Use it first, to find the flow names and run ids the other tools take; with spins: true it lists the spins (spin-1, spin-2, …) made so far.",
                 arguments: [
                    ToolArgument(name: "flow", kind: .string, description: "Only this flow's runs, e.g. \"RatingsFlow\". Default: every flow."),
                    ToolArgument(name: "status", kind: .choice(["running", "completed", "failed", "cancelled"]), description: "Only runs with this status, e.g. \"failed\". Default: any."),
                    ToolArgument(name: "limit", kind: .integer(1...500), description: "At most this many runs, e.g. 5. Default 20."),
                    ToolArgument(name: "spins", kind: .boolean, description: "true to list spins instead of runs. Default false."),
                 ]),
        ToolSpec(name: "failed_tasks",
                 description: "List the tasks that failed in recent runs, each with its pathspec, attempt and error. Use it when a run failed, to find the task to read with step_context.",
                 arguments: [
                    ToolArgument(name: "flow", kind: .string, description: "Only this flow's runs, e.g. \"RatingsFlow\". Default: every flow."),
                    ToolArgument(name: "limit", kind: .integer(1...500), description: "How many of the latest runs to look through, e.g. 5. Default 20."),
                 ]),
        ToolSpec(name: "show",
                 description: "Show what a pathspec names: a flow (its runs), a run (its steps), a step (its tasks), a task (its artifacts, with summaries) or an artifact (its value, bounded). Use it to browse results.",
                 arguments: [
                    ToolArgument(name: "pathspec", kind: .string, description: "Flow[/run[/step[/task[/artifact]]]], e.g. \"RatingsFlow/3/train/4/rmse\"; the run is a number, \"latest\" or a spin such as \"spin-2\".", required: true),
                 ]),
        ToolSpec(name: "step_context",
                 description: "A step as it ran in a run: its source code, its inputs (its parents' artifacts, with summaries), and its task's status, error and last output. Use it before evaluate or spin, to see what a step does and gets, and on a failed step to see why it failed.",
                 arguments: [flowArgument, stepArgument, runArgument, indexArgument, afterArgument]),
        ToolSpec(name: "evaluate",
                 description: "Evaluate one expression of Spindle's shell language on a step's inputs and answer its value (bounded). The parents' artifacts and the flow's parameters are variables; in a foreach split, input is the split's element; in a join, inputs is the list of the parents' artifacts. E.g. mean(ratings.values), describe(x), x[x > 0], input * 2, len(inputs). Use it to look into data; it changes nothing, and assignments are refused.",
                 arguments: [flowArgument, stepArgument,
                             ToolArgument(name: "expression", kind: .string, description: "One expression, e.g. \"describe(ratings.values)\" or \"input\".", required: true),
                             runArgument, indexArgument, afterArgument]),
        ToolSpec(name: "spin",
                 description: "Run one step again on the real artifacts of a run, with inputs or parameters overridden, store it as a new spin (spin-N), and answer the diff of its outputs against the task it re-ran. Use it to try a change; answers isError when the step fails, with its error. To go on down the graph, spin the next step with after set to the spin this one made.",
                 arguments: [flowArgument, stepArgument, runArgument, indexArgument, afterArgument,
                             ToolArgument(name: "overrides", kind: .object, description: "Inputs (parents' artifacts, or input in a foreach split) and parameters to replace, by name; each value is JSON, or a string of shell-language literal text, e.g. {\"input\": 0.05, \"epochs\": 40} or {\"weights\": \"[1, 2, 3]\"}. Default: none, the same inputs.")]),
        ToolSpec(name: "card",
                 description: "A task's card as text: the report its step made (markdown, tables, charts' titles and series, progress, artifacts) or its default card (parameters, artifacts, timings, its output, its error). Use it to read what a step reported about itself.",
                 arguments: [
                    ToolArgument(name: "pathspec", kind: .string, description: "A task's pathspec, e.g. \"RatingsFlow/3/train/4\".", required: true),
                    ToolArgument(name: "name", kind: .string, description: "Which card, e.g. \"default\" (made from the task's records) or \"card\" (the step's own, chosen when it made one)."),
                 ]),
        ToolSpec(name: "diff",
                 description: "Compare two tasks' outputs: the artifacts added, removed and changed, with how numbers moved. Use it to compare a spin with the task it re-ran, or any two tasks.",
                 arguments: [
                    ToolArgument(name: "old", kind: .string, description: "A task's pathspec, e.g. \"RatingsFlow/1/train/3\".", required: true),
                    ToolArgument(name: "new", kind: .string, description: "A task's pathspec, e.g. \"RatingsFlow/spin-1/train/1\".", required: true),
                    ToolArgument(name: "atol", kind: .nonNegativeNumber, description: "Absolute tolerance: a number that moves by at most this much counts as unchanged, e.g. 1e-6. Default 0."),
                    ToolArgument(name: "rtol", kind: .nonNegativeNumber, description: "Relative tolerance, e.g. 0.001 for 0.1%. Default 0."),
                 ]),
    ]

    /// Runs a tool; returns its answer and whether it is an error.
    static func call(_ name: String, _ given: [String: MCP.Value], store: Store, spins: SpinProcesses) async throws -> (String, Bool) {
        guard let spec = specs.first(where: { $0.name == name }) else {
            let names = specs.map(\.name)
            let hint = Suggestion.hint(Store.nearest(name, in: names))
            throw ToolError("no tool \(named(name))\(hint); tools: \(names.joined(separator: ", "))")
        }
        let args = try spec.validate(given)
        switch name {
        case "list_runs":
            let flow = args.string("flow")
            if let flow { try checkName(flow, "flow") }
            let status = args.string("status").flatMap(RunStatus.init(rawValue:))
            let limit = args.int("limit") ?? 20
            let spins = args.bool("spins") ?? false
            return (Browse.runsText(try store.runs(flow: flow, spins: spins, status: status, limit: limit), showFlow: flow == nil), false)
        case "failed_tasks":
            let flow = args.string("flow")
            if let flow { try checkName(flow, "flow") }
            let limit = args.int("limit") ?? 20
            var lines: [String] = []
            for run in try store.runs(flow: flow, limit: limit) {
                for t in try store.tasks(flow: run.flow, run: run.id) where t.status == .failed {
                    lines.append("\(t.pathspec)  attempt \(t.attempt + 1)  \(t.error ?? "")")
                }
            }
            return (lines.isEmpty ? "no failed tasks in the last \(limit) runs" : lines.joined(separator: "\n"), false)
        case "show":
            let spec = try pathspec(args, "pathspec")
            var text = try Browse.show(spec, store: store, json: false, width: 100)
            if spec.task != nil, spec.artifact == nil, let names = try? store.cards(of: spec).map(\.name) {
                // A task's cards, which the card tool reads.
                text += "\ncards: " + ([DefaultCard.name] + names).joined(separator: ", ") + " (read one with the card tool)"
            }
            return (text, false)
        case "card":
            let spec = try pathspec(args, "pathspec")
            guard spec.task != nil else { throw ToolError("card needs a task's pathspec, e.g. \"RatingsFlow/3/train/4\"") }
            let cards = try store.cards(of: spec)
            let name = args.string("name") ?? cards.first?.name ?? DefaultCard.name
            if name == DefaultCard.name { return (CardPage.text(try DefaultCard.make(for: spec, store: store)), false) }
            guard let record = cards.first(where: { $0.name == name }) else {
                throw ToolError("\(spec) has no card \(quoted(name)); its cards: \(([DefaultCard.name] + cards.map(\.name)).joined(separator: ", "))")
            }
            guard let card = CardPage.components(in: try store.cardHTML(record)) else { throw ToolError("the card \(quoted(name)) of \(spec) cannot be read") }
            return (CardPage.text(card), false)
        case "step_context":
            return (try stepContext(args, store: store), false)
        case "evaluate":
            return (try evaluate(args, store: store), false)
        case "spin":
            return try await spin(args, store: store, spins: spins)
        case "diff":
            let a = try pathspec(args, "old"), b = try pathspec(args, "new")
            let t = Tolerance(absolute: args.number("atol") ?? 0, relative: args.number("rtol") ?? 0)
            let d = try store.diffTasks(old: a, new: b, tolerance: t)
            return (d.isEmpty ? "no changes" : d.description, false)
        default:
            throw ToolError("no tool \(quoted(name))")
        }
    }

    static func checkName(_ name: String, _ argument: String) throws {
        guard Pathspec.isIdentifier(name) else {
            throw ToolError("argument '\(argument)' must be a name (letters, digits, _), not \(quoted(name))")
        }
    }

    static func pathspec(_ args: Arguments, _ key: String) throws -> Pathspec {
        let text = try args.required(key)
        do { return try Pathspec(parsing: text) } catch {
            throw ToolError("argument '\(key)': bad pathspec \(quoted(error.text)): \(error.reason.count > 200 ? error.reason.prefix(200) + "…" : error.reason)")
        }
    }

    /// A step as a call names it: the run it reads (its source), its shape, and its planned task.
    struct Focus {
        var run: RunRecord
        var shape: FlowShape
        var step: String
        var planned: PlannedSpin
        var index: SplitAddress
        var after: RunID?
    }

    /// The run a call names (default: the latest completed, or the one `after`'s spin came from), and the planned task of `step`.
    static func focus(_ args: Arguments, store: Store) throws -> Focus {
        let flow = try args.required("flow")
        try checkName(flow, "flow")
        let step = try args.required("step")
        try checkName(step, "step")
        var after: RunID?
        if let a = args.string("after") {
            guard let id = RunID(a), id.isSpin else {
                throw ToolError("argument 'after' must name a spin, like \"spin-1\" (list_runs with spins: true lists them), not \(quoted(a))")
            }
            after = id
        }
        var runID: RunID?
        if let r = args.run("run") {
            guard let id = RunID(r) else {
                throw ToolError("argument 'run' must be a run number, like 3, \"latest\", or a shared store's run, like \"prod:42\", not \(quoted(r))")
            }
            if id.isSpin {
                throw ToolError("run \(quoted(r)) is a spin; a spin is not a run to spin from: give after: \"\(r)\" instead, and the step reads that spin's outputs where it re-ran its parents (and the run it came from for the rest)")
            }
            runID = id
        }
        let base: RunRecord
        if case .remote(let name, _)? = runID {
            // A shared store's run (prod:42): copied into this store first, as the command line does.
            base = try RemoteRuns.mirror(flow: flow, run: runID, from: name, into: store)
        } else if let runID {
            base = try store.run(flow: flow, id: runID)
        } else if let after, let origin = try store.run(flow: flow, id: after).origin {
            base = try store.run(flow: flow, id: origin)
        } else {
            base = try store.run(flow: flow, id: .latest)
        }
        let shape = try FlowShape(json: try store.graph(flow: base.flow, run: base.id))
        let index = SplitAddress(args.index("index") ?? [])
        let request = SpinRequest(step: step, run: base.id, index: index, after: after)
        let plan: SpinPlan
        do {
            plan = try SpinPlanner(shape: shape, store: store).plan(request)
        } catch {
            // The planner speaks the command line's language; here they are arguments.
            throw ToolError("\(error)".replacingOccurrences(of: "--index", with: "index").replacingOccurrences(of: "--after", with: "after")
                .replacingOccurrences(of: "--run", with: "run"))
        }
        return Focus(run: plan.source, shape: shape, step: step, planned: plan.tasks[0], index: index, after: after)
    }

    static func stepContext(_ args: Arguments, store: Store) throws -> String {
        let f = try focus(args, store: store)
        let (run, shape, step, planned) = (f.run, f.shape, f.step, f.planned)
        var out = ["\(run.pathspec) step \(step)" + (f.after.map { ", after \(run.flow)/\($0)" } ?? "")]
        if let s = shape.step(step) {
            out.append("source: \(s.file):\(s.line)")
            if let source = try? StepSource(s) {
                out.append("```swift\n" + source.numbered.joined(separator: "\n") + "\n```")
            }
        }
        for p in planned.parents {
            out.append("inputs from \(p):")
            for a in try store.artifacts(of: p) { out.append("  \(a.name)  \(a.type)  \(a.summary)") }
        }
        if let (over, record, i) = try splitInput(f, store: store) {
            out.append("input: element \(i) of \(over) (\(record.type))")
        }
        if let original = planned.original {
            out.append("task \(original.pathspec): \(original.status.rawValue)" + (original.error.map { ", error: \($0)" } ?? ""))
            if let p = original.placement {
                out.append("ran on \(p)" + (p.inspectCommand.map { "; the engine's record of it: \($0)" } ?? ""))
            }
            if let failure = try TaskFailure(original, store: store) {
                // The post-mortem the shell gives as `error`: how it ended, where it crashed, what it printed last.
                out.append("post-mortem:\n" + failure.text)
            } else if let log = try store.logs(task: original.pathspec).last {
                let tail = (log.stdout + log.stderr).split(separator: "\n").suffix(20).joined(separator: "\n")
                if !tail.isEmpty { out.append("last output (attempt \(log.attempt + 1)):\n" + tail) }
            }
        } else {
            out.append("the step did not run in \(run.pathspec)")
        }
        return out.joined(separator: "\n")
    }

    /// In a foreach split, the sequence its foreach loops over and the split's
    /// index in it: what the step reads as `input` (as the shell's focus does).
    static func splitInput(_ f: Focus, store: Store) throws -> (String, ArtifactRecord, Int)? {
        guard f.shape.step(f.step)?.isJoin != true, let parent = f.planned.parents.first else { return nil }
        let artifacts = try store.artifacts(of: parent)
        for frame in f.planned.splits.reversed() {
            if case .foreach(let over, _)? = f.shape.step(frame.step)?.transition,
               let record = artifacts.first(where: { $0.name == over }) {
                return (over, record, frame.index)
            }
        }
        return nil
    }

    /// Variables of a step's inputs, loaded on first use.
    final class Inputs: Environment {
        let store: Store
        var records: [String: ArtifactRecord] = [:]
        var values: [String: ArtifactValue] = [:]
        /// `input`: an element of a parent's sequence.
        var element: (ArtifactRecord, Int)?
        /// `inputs`: a join's parents, each as an object of its artifacts.
        var joined: [Pathspec]?
        init(store: Store) { self.store = store }
        func lookup(_ name: String) throws -> ArtifactValue? {
            if let v = values[name] { return v }
            let v: ArtifactValue
            if let r = records[name] {
                v = try store.load(r)
            } else if name == "input", let (r, i) = element {
                guard let e = try store.load(r)[i] else { throw ToolError("'\(r.name)' has no element \(i)") }
                v = e
            } else if name == "inputs", let parents = joined {
                v = .array(try parents.map { p in
                    .object(.init(try store.artifacts(of: p).map { ($0.name, try store.load($0)) }, uniquingKeysWith: { a, _ in a }))
                })
            } else {
                return nil
            }
            values[name] = v
            return v
        }
        var variableNames: [String] {
            Array(Set(records.keys).union(values.keys).union(element == nil ? [] : ["input"]).union(joined == nil ? [] : ["inputs"]))
        }
    }

    static func evaluate(_ args: Arguments, store: Store) throws -> String {
        let text = try args.required("expression")
        let f = try focus(args, store: store)
        let env = Inputs(store: store)
        for p in f.shape.parameters { env.values[p.name] = f.run.parameters[p.name] ?? p.defaultValue }
        if f.shape.step(f.step)?.isJoin == true {
            env.joined = f.planned.parents
        } else if let parent = f.planned.parents.first {
            for a in try store.artifacts(of: parent) { env.records[a.name] = a }
            if let (_, record, i) = try splitInput(f, store: store) { env.element = (record, i) }
        }
        let statement: Statement
        do { statement = try Parser.statement(text) } catch { throw ToolError(pointing(text, column: error.column, error.message)) }
        guard case .expression(let expr) = statement else { throw ToolError("evaluate is read-only: assignments are refused") }
        let result: ArtifactValue
        do { result = try Evaluator(environment: env).evaluate(expr) } catch { throw ToolError(pointing(text, column: error.column, error.message)) }
        return result.rendered(width: 100, lines: 60)
    }

    /// The part of `text` around `column`, a caret under it, and `message`:
    /// the language's own pointing, but never the whole of a long expression.
    static func pointing(_ text: String, column: Int, _ message: String) -> String {
        let chars = Array(text)
        let c = min(max(column, 0), chars.count)
        let from = max(0, c - 60), to = min(chars.count, c + 40)
        let head = from > 0 ? "…" : "", tail = to < chars.count ? "…" : ""
        return head + String(chars[from..<to]) + tail + "\n" + String(repeating: " ", count: head.count + c - from) + "^ " + message
    }
}
