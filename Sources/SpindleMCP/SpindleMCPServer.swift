import Foundation
import MCP
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// Spindle's value type (MCP has its own `Value`).
typealias ArtifactValue = SpindleValue.Value

/// An MCP server over stdio, so an AI assistant can read a store and spin:
/// list runs, find failed tasks, show a pathspec, read a step's context,
/// evaluate an expression on a step's inputs (read-only), spin with
/// overrides, and diff. Every answer is text, cut at ``outputLimit``
/// characters; values appear as summaries, never whole arrays.
///
/// What it can touch: the one store it was started on (reads), and — through
/// `spin` only — new spin runs in that store, made by the flow binary the
/// source run recorded. It writes nothing else and reads no other files
/// except a step's own source file for `step_context`.
public enum SpindleMCPServer {
    /// The most characters one answer carries.
    public static let outputLimit = 8000

    /// Serves on stdin/stdout until the client disconnects.
    public static func run(store: Store) async throws {
        let server = Server(name: "spindle", version: "0.1.0", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
        await server.withMethodHandler(CallTool.self) { params in
            do {
                let text = try call(params.name, params.arguments ?? [:], store: store)
                return .init(content: [.text(text: cut(text), annotations: nil, _meta: nil)], isError: false)
            } catch {
                return .init(content: [.text(text: "error: \(error)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }

    static func cut(_ s: String) -> String {
        s.count <= outputLimit ? s : String(s.prefix(outputLimit)) + "\n… (cut at \(outputLimit) characters; ask for less, e.g. a pathspec deeper or a smaller limit)"
    }

    static func schema(_ properties: [String: String], required: [String] = []) -> MCP.Value {
        .object(["type": .string("object"),
                 "properties": .object(properties.mapValues { .object(["type": .string($0.hasPrefix("int") ? "integer" : $0.hasPrefix("obj") ? "object" : $0.hasPrefix("num") ? "number" : "string"),
                                                                     "description": .string($0)]) }),
                 "required": .array(required.map { .string($0) })])
    }

    static let tools: [Tool] = [
        Tool(name: "list_runs", description: "List runs of a flow (or all flows), newest first, with status, start, duration and parameters.",
             inputSchema: schema(["flow": "string: a flow name (optional)", "status": "string: running, completed, failed or cancelled (optional)",
                                  "limit": "integer: at most this many (default 20)", "spins": "string: 'true' to list spins instead"])),
        Tool(name: "failed_tasks", description: "Tasks that failed in recent runs, with their errors.",
             inputSchema: schema(["flow": "string: a flow name (optional)", "limit": "integer: runs to look through (default 20)"])),
        Tool(name: "show", description: "Show a pathspec: Flow, Flow/run, Flow/run/step, Flow/run/step/task (artifacts with summaries) or Flow/run/step/task/artifact (the value, bounded).",
             inputSchema: schema(["pathspec": "string: e.g. RatingsFlow/3/train/4"], required: ["pathspec"])),
        Tool(name: "step_context", description: "A step's context in a run: its source, its parents' artifact summaries, its task's last logs and error.",
             inputSchema: schema(["flow": "string", "step": "string", "run": "string: a run id (default: latest completed)", "index": "integer: the split (default 0)"], required: ["flow", "step"])),
        Tool(name: "evaluate", description: "Evaluate a shell-language expression (e.g. mean(ratings.values), describe(x), x[x > 0]) on a step's inputs. Read-only: assignments are refused.",
             inputSchema: schema(["flow": "string", "step": "string", "expression": "string", "run": "string (optional)", "index": "integer (optional)"], required: ["flow", "step", "expression"])),
        Tool(name: "spin", description: "Run one step on the real artifacts of a run with overrides, store it as a spin, and return the diff against the task it re-ran.",
             inputSchema: schema(["flow": "string", "step": "string", "run": "string (optional)", "index": "integer (optional)",
                                  "overrides": "object: input or parameter name → value (shell-language literal text or JSON value)"], required: ["flow", "step"])),
        Tool(name: "diff", description: "Compare two tasks' outputs: artifacts added, removed, changed.",
             inputSchema: schema(["old": "string: Flow/run/step/task", "new": "string: Flow/run/step/task", "atol": "number (optional)", "rtol": "number (optional)"], required: ["old", "new"])),
    ]

    /// Why a tool call was refused, in words for the assistant.
    struct ToolError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func string(_ args: [String: MCP.Value], _ key: String) throws -> String {
        guard let v = args[key]?.stringValue, !v.isEmpty else { throw ToolError("missing argument '\(key)'") }
        return v
    }

    static func int(_ args: [String: MCP.Value], _ key: String, default d: Int) throws -> Int {
        guard let v = args[key] else { return d }
        if let i = v.intValue { return i }
        if let s = v.stringValue, let i = Int(s) { return i }
        throw ToolError("argument '\(key)' must be an integer")
    }

    static func call(_ name: String, _ args: [String: MCP.Value], store: Store) throws -> String {
        switch name {
        case "list_runs":
            let flow = args["flow"]?.stringValue
            if let flow, !Pathspec.isIdentifier(flow) { throw ToolError("'\(flow)' is not a flow name") }
            let status = try args["status"]?.stringValue.map { s -> RunStatus in
                guard let st = RunStatus(rawValue: s) else { throw ToolError("status must be running, completed, failed or cancelled") }
                return st
            }
            let limit = try int(args, "limit", default: 20)
            guard (1...500).contains(limit) else { throw ToolError("limit must be 1…500") }
            let spins = args["spins"]?.stringValue == "true" || args["spins"]?.boolValue == true
            return Browse.runsText(try store.runs(flow: flow, spins: spins, status: status, limit: limit), showFlow: flow == nil)
        case "failed_tasks":
            let flow = args["flow"]?.stringValue
            let limit = try int(args, "limit", default: 20)
            var lines: [String] = []
            for run in try store.runs(flow: flow, limit: max(1, min(limit, 500))) {
                for t in try store.tasks(flow: run.flow, run: run.id) where t.status == .failed {
                    lines.append("\(t.pathspec)  attempt \(t.attempt + 1)  \(t.error ?? "")")
                }
            }
            return lines.isEmpty ? "no failed tasks in the last \(limit) runs" : lines.joined(separator: "\n")
        case "show":
            return try Browse.show(try Pathspec(parsing: try string(args, "pathspec")), store: store, json: false, width: 100)
        case "step_context":
            return try stepContext(args, store: store)
        case "evaluate":
            return try evaluate(args, store: store)
        case "spin":
            return try spin(args, store: store)
        case "diff":
            let a = try Pathspec(parsing: try string(args, "old")), b = try Pathspec(parsing: try string(args, "new"))
            let t = Tolerance(absolute: args["atol"]?.doubleValue ?? 0, relative: args["rtol"]?.doubleValue ?? 0)
            let d = try store.diffTasks(old: a, new: b, tolerance: t)
            return d.isEmpty ? "no changes" : d.description
        default:
            throw ToolError("no tool '\(name)'; tools: \(tools.map(\.name).joined(separator: ", "))")
        }
    }

    /// The run a call names (default: the latest completed), its shape, and the planned task of `step`.
    static func focus(_ args: [String: MCP.Value], store: Store) throws -> (RunRecord, FlowShape, String, PlannedSpin, Int) {
        let flow = try string(args, "flow")
        guard Pathspec.isIdentifier(flow) else { throw ToolError("'\(flow)' is not a flow name") }
        let step = try string(args, "step")
        let runID: RunID
        if let r = args["run"]?.stringValue ?? args["run"]?.intValue.map(String.init) {
            guard let id = RunID(r) else { throw ToolError("'\(r)' is not a run id") }
            runID = id
        } else {
            runID = .latest
        }
        let run = try store.run(flow: flow, id: runID)
        let shape = try FlowShape(json: try store.graph(flow: run.flow, run: run.id))
        let index = try int(args, "index", default: 0)
        let plan = try SpinPlanner(shape: shape, store: store).plan(SpinRequest(step: step, run: run.id, index: SplitAddress([index])))
        return (run, shape, step, plan.tasks[0], index)
    }

    static func stepContext(_ args: [String: MCP.Value], store: Store) throws -> String {
        let (run, shape, step, planned, _) = try focus(args, store: store)
        var out = ["\(run.pathspec) step \(step)"]
        if let s = shape.step(step) {
            out.append("source: \(s.file):\(s.line)")
            if let text = try? String(contentsOfFile: s.file, encoding: .utf8) {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let next = shape.steps.filter { $0.file == s.file && $0.line > s.line }.map(\.line).min() ?? (s.line + 30)
                let body = lines.dropFirst(max(0, s.line - 1)).prefix(max(1, min(next - s.line, 60)))
                out.append("```swift\n" + body.joined(separator: "\n") + "\n```")
            }
        }
        for p in planned.parents {
            out.append("inputs from \(p):")
            for a in try store.artifacts(of: p) { out.append("  \(a.name)  \(a.type)  \(a.summary)") }
        }
        if let original = planned.original {
            out.append("task \(original.pathspec): \(original.status.rawValue)" + (original.error.map { ", error: \($0)" } ?? ""))
            if let log = try store.logs(task: original.pathspec).last {
                let tail = (log.stdout + log.stderr).split(separator: "\n").suffix(20).joined(separator: "\n")
                if !tail.isEmpty { out.append("last output (attempt \(log.attempt + 1)):\n" + tail) }
            }
        } else {
            out.append("the step did not run in \(run.pathspec)")
        }
        return out.joined(separator: "\n")
    }

    /// Variables of a step's inputs, loaded on first use.
    final class Inputs: Environment {
        let store: Store
        var records: [String: ArtifactRecord] = [:]
        var values: [String: ArtifactValue] = [:]
        init(store: Store) { self.store = store }
        func lookup(_ name: String) throws -> ArtifactValue? {
            if let v = values[name] { return v }
            guard let r = records[name] else { return nil }
            let v = try store.load(r)
            values[name] = v
            return v
        }
        var variableNames: [String] { Array(Set(records.keys).union(values.keys)) }
    }

    static func evaluate(_ args: [String: MCP.Value], store: Store) throws -> String {
        let text = try string(args, "expression")
        let (run, shape, _, planned, _) = try focus(args, store: store)
        let env = Inputs(store: store)
        for p in shape.parameters { env.values[p.name] = run.parameters[p.name] ?? p.defaultValue }
        if planned.parents.count == 1 {
            for a in try store.artifacts(of: planned.parents[0]) { env.records[a.name] = a }
        } else {
            env.values["inputs"] = .array(try planned.parents.map { p in
                .object(.init(try store.artifacts(of: p).map { ($0.name, try store.load($0)) }, uniquingKeysWith: { a, _ in a }))
            })
        }
        let statement: Statement
        do { statement = try Parser.statement(text) } catch { throw ToolError(error.pointing(at: text)) }
        guard case .expression(let expr) = statement else { throw ToolError("evaluate is read-only: assignments are refused") }
        let result: ArtifactValue
        do { result = try Evaluator(environment: env).evaluate(expr) } catch { throw ToolError(error.pointing(at: text)) }
        return result.rendered(width: 100, lines: 60)
    }

    static func spin(_ args: [String: MCP.Value], store: Store) throws -> String {
        let (run, _, step, _, index) = try focus(args, store: store)
        guard let binary = run.binary, FileManager.default.isExecutableFile(atPath: binary) else {
            throw ToolError("the flow binary this run recorded (\(run.binary ?? "none")) is gone: build the flow first")
        }
        var overrides: [(String, ArtifactValue)] = []
        if case .object(let o)? = args["overrides"] {
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                guard Pathspec.isIdentifier(k) || k.hasPrefix("inputs[") else { throw ToolError("'\(k)' is not an input name") }
                if let s = v.stringValue {
                    do { overrides.append((k, try Literal.parse(s))) } catch { overrides.append((k, .string(s))) }
                } else {
                    overrides.append((k, try convert(v)))
                }
            }
        }
        let dir = store.root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let stem = dir.appendingPathComponent("mcp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer {
            try? FileManager.default.removeItem(atPath: stem + ".json")
            try? FileManager.default.removeItem(atPath: stem + ".spnv")
        }
        var argv = ["spin", step, "--run", run.id.description, "--index", String(index), "--report", stem + ".json",
                    "--store", store.root.path, "--quiet"]
        if !overrides.isEmpty {
            try Data(ArtifactCodec.encode(.object(.init(overrides, uniquingKeysWith: { _, b in b })))).write(to: URL(fileURLWithPath: stem + ".spnv"))
            argv += ["--overrides-file", stem + ".spnv"]
        }
        let collected = LineCollector()
        let status = try runStreaming(binary, argv, line: { l, _ in collected.append(l) }, interrupted: { false })
        return collected.text + (status.succeeded ? "" : "\n(the spin exited: \(status))")
    }

    static func convert(_ v: MCP.Value) throws -> ArtifactValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return Literal.packed(try a.map(convert))
        case .object(let o): return .object(.init(try o.sorted { $0.key < $1.key }.map { ($0.key, try convert($0.value)) }, uniquingKeysWith: { a, _ in a }))
        default: throw ToolError("an override value must be JSON (null, bool, number, string, array or object)")
        }
    }
}
