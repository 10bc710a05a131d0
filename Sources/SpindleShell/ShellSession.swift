import Foundation
import OrderedCollections
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// Why a shell line failed: a message, and a column to point at when the
/// mistake is inside the line.
public struct ShellError: Error, CustomStringConvertible {
    public let message: String
    public let column: Int?
    public init(_ message: String, column: Int? = nil) {
        self.message = message
        self.column = column
    }
    public var description: String { message }
}

/// The shell's state: the loaded run, the focused step, the variables, the
/// last spin. It runs one line at a time and never writes to the store
/// except through spin.
public final class ShellSession {
    public let store: Store
    public let output: ShellOutput
    /// The loaded run and its flow's shape.
    public private(set) var run: RunRecord?
    public private(set) var shape: FlowShape?
    /// The focused step, its split, and where its inputs come from.
    /// (`index` is the task's full split address, outermost first.)
    public private(set) var focus: (step: String, index: SplitAddress, planned: PlannedSpin, after: RunID?)?
    var variables: OrderedDictionary<String, ShellVariable> = [:]
    /// The last spin's task and the task it re-ran.
    var lastSpin: (task: Pathspec, original: Pathspec?)?
    /// Lines accepted this session (the `history` command shows them).
    var historyLines: [String] = []
    /// Each expression's result, by line number (`_3`, `_`).
    var results = ShellResults()
    /// Each successful spin of the session, in order (`spin1`, `spin2`, …).
    var spins: [SessionSpin] = []
    /// What the last spin's processes used (for `time spin`).
    var lastSpinUsage: ResourceUsage?
    /// Runs the flow binary for a spin; replaceable so tests can intercept.
    var spinner: (([String]) throws -> Int32)?
    /// The flow binary started ahead of the next spin (``SpinStandby``), if any.
    var standby: SpinStandby?
    /// The transcript being recorded, if any.
    var recorder: TranscriptRecorder?
    /// The file being recorded to, if any.
    var recording: String? { recorder?.path }
    /// Set by `quit`.
    public internal(set) var quitRequested = false
    /// Asked while a line is evaluated: on a terminal, whether Ctrl-C was
    /// pressed since the line was read. An interrupted line assigns nothing.
    public var interruption: Interruption = .never

    public init(store: Store, output: ShellOutput) {
        self.store = store
        self.output = output
    }

    /// The prompt: `RatingsFlow/3 train[1]> `.
    public var prompt: String {
        var p = run.map { $0.pathspec.description } ?? "spindle"
        if let f = focus { p += " " + f.step + (f.index.indices.isEmpty ? "" : "[\(f.index)]") }
        return p + "> "
    }

    // MARK: Loading

    /// `NAME:REST` where NAME names a shared store and REST starts with a flow name.
    public static func storePrefix(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon]), rest = String(text[text.index(after: colon)...])
        guard RunID.isStoreName(name), !name.contains("/"), let first = rest.unicodeScalars.first,
              !("0"..."9").contains(first) else { return nil }
        return (name, rest)
    }

    /// Loads a run (`latest`, a run id, or a pathspec) of `flow` or of the only flow in the store.
    /// A shared store's run — `prod:RatingsFlow/42`, `prod:RatingsFlow` (its
    /// latest), `RatingsFlow/prod:42` or `prod:42` — is mirrored into this
    /// store first (``RemoteRuns``), so it can be spun here.
    public func load(_ text: String?) throws {
        if let text, let (name, rest) = Self.storePrefix(text) {
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard Pathspec.isIdentifier(parts[0]), parts.count <= 2 else {
                throw ShellError("'\(text)' is not a shared store's run: write \(name):Flow/N, or \(name):Flow for its latest")
            }
            var run: RunID?
            if parts.count == 2, parts[1] != "latest" {
                guard let n = Int(parts[1]), n > 0 else { throw ShellError("'\(parts[1])' is not a run number of \(name)") }
                run = .number(n)
            }
            let mirrored = try RemoteRuns.mirror(flow: parts[0], run: run, from: name, into: store)
            try load(mirrored.pathspec.description)
            return
        }
        let flows = try store.flows()
        var spec: Pathspec
        if let text, text.contains("/") || flows.contains(text) {
            spec = try Pathspec(parsing: text)
        } else {
            var flow = run?.flow ?? (flows.count == 1 ? flows[0] : nil)
            if flow == nil, text == nil || text == "latest", flows.count > 1 {
                // No flow named among several: the most recent run of any of them.
                let latest = try flows.compactMap { f in
                    try store.runs(flow: f, limit: 50).first(where: { $0.status == .completed }) ?? store.runs(flow: f, limit: 1).first
                }.max { $0.started < $1.started }
                flow = latest?.flow
                output.line("this store has the flows \(flows.joined(separator: ", ")); loading the most recent run (load Flow/latest for another)")
            }
            guard let flow else {
                throw ShellError(flows.isEmpty ? "the store has no runs yet: run a flow first"
                                 : "which flow? load Flow/run — this store has \(flows.joined(separator: ", "))")
            }
            if let text {
                guard let id = RunID(text) else { throw ShellError("'\(text)' is not a run id (a number, spin-N or latest)") }
                spec = Pathspec(flow: flow, run: id)
            } else {
                spec = Pathspec(flow: flow, run: .latest)
            }
        }
        if case .remote(let name, _)? = spec.run {
            spec.run = try RemoteRuns.mirror(flow: spec.flow, run: spec.run, from: name, into: store).id
        }
        let record: RunRecord
        if spec.run == nil || spec.run == .latest {
            guard let r = try store.runs(flow: spec.flow, limit: 50).first(where: { $0.status == .completed })
                    ?? store.runs(flow: spec.flow, limit: 1).first else {
                throw ShellError("no runs of \(spec.flow)" + (Store.nearest(spec.flow, in: flows).map { "; did you mean \($0)?" } ?? ""))
            }
            record = r
        } else {
            record = try store.run(flow: spec.flow, id: spec.run!)
        }
        let loadedShape = try FlowShape(json: try store.graph(flow: record.flow, run: record.id))
        if let previous = run, previous.flow != record.flow {
            // Values the user made stay (a notebook keeps its variables), but say so: they came from another flow.
            let mine = variables.filter { if case .user = $0.value.source { true } else { false } }.keys
            if !mine.isEmpty {
                output.line("kept your variables \(mine.joined(separator: ", ")) from \(previous.flow) (del NAME drops one)")
            }
        }
        run = record
        shape = loadedShape
        focus = nil
        variables = variables.filter { if case .user = $0.value.source { true } else { false } }
        lastSpin = nil
        output.line("loaded \(record.pathspec) (\(record.status.rawValue), started \(Browse.time(record.started)))")
        if record.status == .failed, spec.step == nil {
            let failed = try store.tasks(flow: record.flow, run: record.id).filter { $0.status == .failed }
            if !failed.isEmpty { output.line(output.dim("  \(failed.count) task\(failed.count == 1 ? "" : "s") failed: failed lists them, focus one for a post-mortem")) }
        }
        if let step = spec.step {
            var index = SplitAddress.first
            if let task = spec.task {
                let t = try store.task(Pathspec(flow: record.flow, run: record.id, step: step, task: task))
                index = SplitAddress(loadedShape.address(of: t.splits))
            }
            try focusStep(step, index: index)
        }
    }

    func requireRun() throws -> (RunRecord, FlowShape) {
        guard let run, let shape else { throw ShellError("no run loaded: load latest, or load Flow/run") }
        return (run, shape)
    }

    // MARK: Focus

    /// Makes `step`'s inputs the variables: its parent's artifacts, the
    /// parameters, `input` in a foreach, `inputs` in a join.
    public func focusStep(_ step: String, index: SplitAddress) throws {
        let (run, shape) = try requireRun()
        guard let s = shape.step(step) else {
            throw ShellError("\(run.flow) has no step '\(step)'" + (Suggestion.hint(Store.nearest(step, in: shape.steps.map(\.name)))))
        }
        // Walking down the graph: after spinning a parent, the child takes the spin's outputs.
        var after: RunID?
        if let spin = lastSpin, let parentStep = spin.task.step, shape.parents[step]?.contains(parentStep) == true {
            after = spin.task.run
        }
        let plan: SpinPlan
        do {
            plan = try SpinPlanner(shape: shape, store: store).plan(SpinRequest(step: step, run: run.id, index: index, after: after))
        } catch { throw ShellError("\(error)") }
        let planned = plan.tasks[0]
        variables = variables.filter { if case .user = $0.value.source { true } else { false } }
        for p in shape.parameters {
            let v = run.parameters[p.name] ?? p.defaultValue
            variables[p.name] = ShellVariable(source: .parameter, original: v, current: v)
        }
        if s.isJoin {
            variables["inputs"] = ShellVariable(source: .joinInputs(planned.parents))
        } else if let parent = planned.parents.first {
            let artifacts = try store.artifacts(of: parent)
            for a in artifacts { variables[a.name] = ShellVariable(source: .artifact(a)) }
            // A foreach split's element, from the sequence its foreach loops over.
            for frame in planned.splits.reversed() {
                if case .foreach(let over, _)? = shape.step(frame.step)?.transition,
                   let record = artifacts.first(where: { $0.name == over }) {
                    variables["input"] = ShellVariable(source: .splitInput(record, index: frame.index))
                    break
                }
            }
        }
        focus = (step, SplitAddress(shape.address(of: planned.splits)), planned, after)
        // A spin usually follows a focus: its process gets ready meanwhile.
        if let binary = run.binary, FileManager.default.isExecutableFile(atPath: binary) { prepareStandby(binary: binary) }
        lastSpin = nil
        let place = shape.describe(planned.splits)
        let split = place.isEmpty ? "" : " " + place
        let chained = after.map { ", after \(run.flow)/\($0)" } ?? ""
        let inputs = variables.filter { if case .parameter = $0.value.source { false } else { $0.value.isInput } }.keys
        output.line("focused \(step)\(split) of \(run.pathspec)\(chained): inputs \(inputs.isEmpty ? "none" : inputs.joined(separator: ", "))")
        // A task an engine ran: where, and how to see the engine's own record of it.
        if let original = planned.original, let p = original.placement {
            output.line("  \(original.pathspec) ran on \(p)" + (p.inspectCommand.map { " (\($0))" } ?? ""))
        }
        try exposeFailure(of: planned.original)
    }

    // MARK: Variables

    /// The value of variable `name`, loading it from the store on first use.
    func value(of name: String) throws -> Value? {
        guard var v = variables[name] else { return nil }
        if let c = v.current { return c }
        let loaded: Value
        switch v.source {
        case .artifact(let r):
            loaded = try store.load(r)
        case .splitInput(let r, let index):
            let seq = try store.load(r)
            guard let e = seq[index] else { throw ShellError("'\(r.name)' has no element \(index)") }
            loaded = e
        case .joinInputs(let parents):
            loaded = .array(try parents.map { p in
                var o = OrderedDictionary<String, Value>()
                for a in try store.artifacts(of: p) { o[a.name] = try store.load(a) }
                return .object(o)
            })
        case .outputs(let task):
            var o = OrderedDictionary<String, Value>()
            for a in try store.artifacts(of: task) { o[a.name] = try store.load(a) }
            loaded = .object(o)
        case .parameter, .failure, .user:
            return v.current
        }
        v.original = loaded
        v.current = loaded
        variables[name] = v
        return loaded
    }

    /// Assigns `value` to `name` (a path inside it when `path` is not empty).
    func assign(_ name: String, path: [PathStep], value: Value, evaluator: Evaluator) throws {
        let base = try self.value(of: name)
        if !path.isEmpty && base == nil {
            throw ShellError("no variable '\(name)'" + (Suggestion.hint(nearestVariable(name))))
        }
        let updated = try evaluator.assign(into: base, path: path, value: value, name: name)
        if var v = variables[name] {
            v.current = updated
            v.changed = v.original.map { $0 != updated } ?? true
            if case .outputs = v.source { v.source = .user }
            variables[name] = v
        } else {
            variables[name] = ShellVariable(source: .user, original: nil, current: updated, changed: false)
        }
    }

    func nearestVariable(_ name: String) -> String? { Store.nearest(name, in: Array(variables.keys)) }

    /// The overrides a spin needs: every changed input, by name, and for a
    /// join each changed member of `inputs[i]`.
    func overrides() throws -> SpinOverrides {
        var out = SpinOverrides()
        for (name, v) in variables where v.changed && v.isInput {
            guard let current = v.current else { continue }
            if case .joinInputs = v.source {
                guard case .array(let now) = current, case .array(let was)? = v.original else {
                    throw ShellError("'inputs' must stay a list with one object per parent to spin")
                }
                for (i, item) in now.enumerated() where i < was.count {
                    guard case .object(let o) = item else { continue }
                    for (k, x) in o where was[i][k] != x { out.byInput[i, default: [:]][k] = x }
                }
            } else {
                out.all[name] = current
            }
        }
        return out
    }
}

extension ShellSession: Environment {
    public func lookup(_ name: String) throws -> Value? {
        if variables[name] == nil, ShellSession.implicitName(name) { return try implicitValue(name) }
        return try value(of: name)
    }

    public var variableNames: [String] { Array(variables.keys) + implicitNames }
}
