import Foundation
import OrderedCollections
import SpindleStore
import SpindleValue

/// One task scheduled by an outside engine that runs containers in a DAG
/// (Argo Workflows): there is no Spindle runtime to make the run and each
/// task's row, so the task's own process does it. The hidden `_step`
/// command:
///
/// ```
/// FLOW _step --store STORE --run-key KEY --step STEP [--splits STEP:I[,STEP:I…]]
///            [--param NAME=VALUE…] [--items-out FILE]
/// FLOW _step --store STORE --run-key KEY --finish ENGINE-STATUS
/// ```
///
/// The run is the one tagged `engine:KEY` (the workflow's name); `start`
/// makes it, with the parameters given. A task's parents are the completed
/// tasks of the steps before it at its place (`--splits`: the split of each
/// enclosing foreach or branch, outermost first), found in the store as the
/// runtime would have planned them. A foreach step writes the indices of its
/// splits to `--items-out` as a JSON array, for the engine's fan-out. `end`
/// completing completes the run; `--finish` (the workflow's exit handler)
/// records a run that never reached `end` as failed or cancelled.
public enum EngineStep {
    /// The hidden subcommand's name.
    public static let command = "_step"

    /// The tag that names an engine-run's run.
    public static func tag(_ key: String) -> String { "engine:\(key)" }

    struct Arguments {
        var store = "", key = "", step: String?, splits: [(String, Int)] = [], parameters: [String: String] = [:]
        var itemsOut: String?, finish: String?
    }

    /// Runs the command and returns the process's exit status.
    public static func main(_ arguments: [String], graph: FlowGraph) async -> Int32 {
        do {
            let args = try parse(arguments)
            let store = try StoreAddress(parsing: args.store).open(creating: false)
            if let status = args.finish { try finish(store, graph: graph, key: args.key, engineStatus: status); return 0 }
            return try await runTask(args, store: store, graph: graph)
        } catch {
            FileHandle.standardError.write(Data("error: \(command): \(error)\n".utf8))
            return TaskProcess.setupExitCode
        }
    }

    static func parse(_ arguments: [String]) throws -> Arguments {
        var a = Arguments()
        var i = 0
        while i < arguments.count {
            let key = arguments[i]
            guard key.hasPrefix("--"), i + 1 < arguments.count else { throw FlowError.usage("unexpected argument '\(key)'") }
            let value = arguments[i + 1]
            switch key {
            case "--store": a.store = value
            case "--run-key": a.key = value
            case "--step": a.step = value
            case "--items-out": a.itemsOut = value
            case "--finish": a.finish = value
            case "--param":
                guard let eq = value.firstIndex(of: "=") else { throw FlowError.usage("--param takes NAME=VALUE, not '\(value)'") }
                a.parameters[String(value[..<eq])] = String(value[value.index(after: eq)...])
            case "--splits":
                a.splits = try value.split(separator: ",").map { frame in
                    let parts = frame.split(separator: ":")
                    guard parts.count == 2, let index = Int(parts[1]), index >= 0 else {
                        throw FlowError.usage("--splits takes STEP:INDEX[,STEP:INDEX…], not '\(value)'")
                    }
                    return (String(parts[0]), index)
                }
            default: throw FlowError.usage("unknown option '\(key)'")
            }
            i += 2
        }
        guard !a.store.isEmpty, !a.key.isEmpty, a.step != nil || a.finish != nil else {
            throw FlowError.usage("needs --store, --run-key and --step (or --finish)")
        }
        return a
    }

    /// The run of `key`, made by `start`.
    static func run(_ store: Store, graph: FlowGraph, args: Arguments) throws -> RunRecord {
        let flow = graph.flow.name
        if let found = try store.runs(flow: flow, tag: tag(args.key), limit: 1).first { return found }
        guard args.step == "start" else {
            throw FlowError.usage("no run of \(flow) tagged \(tag(args.key)): its start step has not run")
        }
        var parameters: [(String, Value)] = []
        for p in graph.flow.parameters {
            var v = p.defaultValue
            // A workflow parameter is text: JSON when it parses as JSON (3, 0.5, true), else a string.
            if let text = args.parameters[p.name] { v = try p.coerce((try? Value(jsonText: text)) ?? .string(text)) }
            parameters.append((p.name, v))
        }
        for name in args.parameters.keys where graph.flow.parameters.allSatisfy({ $0.name != name }) {
            throw FlowError.unknownParameter(name: name, known: graph.flow.parameters.map(\.name))
        }
        return try store.createRun(.init(flow: flow, parameters: .object(.init(uniqueKeysWithValues: parameters)),
                                         graph: graph.descriptionValue.jsonText(), tags: [tag(args.key)], binary: currentExecutable()))
    }

    static func runTask(_ args: Arguments, store: Store, graph: FlowGraph) async throws -> Int32 {
        guard let name = args.step, let step = graph.step(name) else {
            throw FlowError.usage("the flow has no step '\(args.step ?? "")'")
        }
        let run = try run(store, graph: graph, args: args)
        let all = try store.tasks(flow: run.flow, run: run.id).filter { $0.status == .completed }
        let splits = try frames(args.splits, all: all, graph: graph)
        let parents = try self.parents(of: step, at: splits, all: all, graph: graph)
        let id = try store.startNewTask(flow: run.flow, run: run.id, step: name, parents: parents.map(\.pathspec), splits: splits)
        let inv = TaskInvocation(store: store.address, flow: run.flow, run: run.id, step: name, task: id,
                                 parents: parents.map(\.pathspec), splits: splits)
        let code = await TaskProcess.execute(inv, graph: graph)
        guard code == 0 else { return code }
        let task = try store.task(inv.pathspec)
        if case .foreach = step.transition, let out = args.itemsOut {
            let items = Value.array((0..<(task.foreachCount ?? 0)).map { .int(Int64($0)) })
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
            try items.jsonText().write(toFile: out, atomically: true, encoding: .utf8)
        }
        if name == "end" { try store.finishRun(flow: run.flow, id: run.id, status: .completed) }
        return 0
    }

    /// The split frames of a task at `given` (step and index of each
    /// enclosing split), with each split's count from the store.
    static func frames(_ given: [(String, Int)], all: [TaskRecord], graph: FlowGraph) throws -> [SplitFrame] {
        var out: [SplitFrame] = []
        for (stepName, index) in given {
            guard let splitter = graph.step(stepName) else { throw FlowError.usage("--splits names no step '\(stepName)'") }
            let count: Int
            switch splitter.transition {
            case .branch(let arms): count = arms.count
            case .foreach:
                guard let task = all.last(where: { $0.step == stepName && $0.splits == out }) else {
                    throw FlowError.usage("the foreach step \(stepName) has not completed at \(SplitFrame.render(out))")
                }
                count = task.foreachCount ?? 0
            default: throw FlowError.usage("--splits names \(stepName), which neither branches nor loops")
            }
            guard index < count else { throw FlowError.usage("split \(index) of \(stepName), which has \(count)") }
            out.append(SplitFrame(step: stepName, index: index, count: count))
        }
        return out
    }

    /// The completed tasks the runtime would have made `step`'s parents at `splits`.
    static func parents(of step: Step, at splits: [SplitFrame], all: [TaskRecord], graph: FlowGraph) throws -> [TaskRecord] {
        guard step.name != "start" else { return [] }
        let predecessors = graph.flow.steps.filter { s in
            switch s.transition {
            case .to(let n): n == step.name
            case .branch(let ns): ns.contains(step.name)
            case .foreach(_, let n): n == step.name
            case .end: false
            }
        }
        func latest(_ tasks: [TaskRecord]) -> TaskRecord? { tasks.max { $0.id < $1.id } }
        if step.isJoin {
            // Every split of the innermost one the join closes.
            var found: [TaskRecord] = []
            for p in predecessors {
                let candidates = all.filter { $0.step == p.name && $0.splits.count == splits.count + 1 && Array($0.splits.dropLast()) == splits }
                for index in Set(candidates.map { $0.splits.last!.index }) {
                    if let t = latest(candidates.filter { $0.splits.last!.index == index }) { found.append(t) }
                }
            }
            guard let frame = found.first?.splits.last, found.count == frame.count else {
                throw FlowError.usage("join \(step.name): \(found.count) of its splits have completed, not all")
            }
            return found.sorted { $0.splits.last!.index < $1.splits.last!.index }
        }
        for p in predecessors {
            let expected: [SplitFrame]
            switch p.transition {
            case .branch, .foreach:
                guard let last = splits.last, last.step == p.name else { continue }
                expected = Array(splits.dropLast())
            default: expected = splits
            }
            if let t = latest(all.filter { $0.step == p.name && $0.splits == expected }) { return [t] }
        }
        throw FlowError.usage("\(step.name) at \(SplitFrame.render(splits)): its parent step has not completed there")
    }

    /// The exit handler: a run that never reached `end` is failed (or cancelled).
    static func finish(_ store: Store, graph: FlowGraph, key: String, engineStatus: String) throws {
        guard let run = try store.runs(flow: graph.flow.name, tag: tag(key), limit: 1).first, run.status == .running else { return }
        let status: RunStatus = engineStatus.lowercased().contains("cancel") || engineStatus == "Terminated" ? .cancelled : .failed
        try store.finishRun(flow: run.flow, id: run.id, status: status, error: "the workflow ended (\(engineStatus)) before end completed")
    }
}
