import SpindleStore
import SpindleValue

/// One task a spin will run: its parents, its place among splits, and the
/// task of a real run it re-runs (when the step ran there).
public struct PlannedSpin: Sendable, Equatable {
    public var parents: [Pathspec]
    public var splits: [SplitFrame]
    public var original: TaskRecord?
}

/// Where a spin's inputs come from, found before anything runs.
public struct SpinPlan: Sendable {
    /// The run whose tasks are the parents.
    public var source: RunRecord
    public var tasks: [PlannedSpin]
    /// The parameters the spun step sees: the source run's, with overrides.
    public var parameters: Value
}

/// Finds where a spin's inputs come from, from the flow's shape and the
/// store alone: the flow binary and the shell both plan with it.
public struct SpinPlanner: Sendable {
    public let shape: FlowShape
    public let store: Store

    public init(shape: FlowShape, store: Store) {
        self.shape = shape
        self.store = store
    }

    /// Finds the parents of the requested step (and checks they are all
    /// there) without running anything.
    public func plan(_ req: SpinRequest) throws -> SpinPlan {
        guard let step = shape.step(req.step) else {
            throw SpinError.unknownStep(req.step, suggestion: Store.nearest(req.step, in: shape.steps.map(\.name)))
        }
        var plan: SpinPlan
        if let spec = req.task {
            let t = try store.task(spec)
            guard t.step == step.name else { throw SpinError.wrongStep(task: spec.description, step: t.step, wanted: step.name) }
            // A spin's task reuses the parents its own run recorded.
            let source = try store.run(flow: shape.name, id: t.run.isSpin ? (try store.run(flow: shape.name, id: t.run).origin ?? t.run) : t.run)
            plan = SpinPlan(source: source, tasks: [PlannedSpin(parents: t.parents, splits: t.splits, original: t.run.isSpin ? nil : t)],
                            parameters: source.parameters)
        } else {
            var after: (RunRecord, [TaskRecord])?
            if let a = req.after {
                guard a.isSpin else { throw SpinError.notASpin(a.description) }
                let r = try store.run(flow: shape.name, id: a)
                after = (r, try store.tasks(flow: r.flow, run: r.id).filter { $0.status == .completed })
            }
            let candidates: [RunRecord]
            var searchOlder = false
            if let id = req.run {
                candidates = [try store.run(flow: shape.name, id: id)]
            } else if let (a, _) = after, let origin = a.origin {
                candidates = [try store.run(flow: shape.name, id: origin)]
            } else {
                // The latest completed run almost always has the step's parents;
                // older ones are read only when it does not.
                candidates = try store.runs(flow: shape.name, status: .completed, limit: 1)
                if candidates.isEmpty {
                    throw SpinError.noRunWithParents(step: step.name, parents: shape.parents[step.name] ?? [])
                }
                searchOlder = true
            }
            var firstError: (any Error)?
            var found: SpinPlan?
            func attempt(_ runs: some Sequence<RunRecord>) throws {
                for run in runs {
                    do {
                        found = try planIn(run, step: step, req: req)
                        return
                    } catch {
                        if firstError == nil { firstError = error }
                        if req.run != nil { throw error }
                    }
                }
            }
            try attempt(candidates)
            if found == nil, searchOlder {
                try attempt(try store.runs(flow: shape.name, status: .completed, limit: 50).dropFirst())
            }
            guard var p = found else {
                if let e = firstError as? SpinError, case .parentNotRun = e {
                    throw SpinError.noRunWithParents(step: step.name, parents: shape.parents[step.name] ?? [])
                }
                throw firstError ?? SpinError.noRunWithParents(step: step.name, parents: shape.parents[step.name] ?? [])
            }
            if let (a, spun) = after {
                var replaced = false
                for i in p.tasks.indices {
                    p.tasks[i].parents = p.tasks[i].parents.map { parent in
                        if let s = spun.first(where: { $0.origin == parent })
                            ?? spun.first(where: { $0.origin == nil && $0.step == parent.step }) {
                            replaced = true
                            return s.pathspec
                        }
                        return parent
                    }
                }
                guard replaced else { throw SpinError.notAParentSpin(after: a.pathspec.description, step: step.name) }
            }
            plan = p
        }
        plan.parameters = try effectiveParameters(plan.source.parameters, overrides: req.overrides)
        for t in plan.tasks { try checkInputs(t, step: step.name) }
        for (i, _) in req.parentOverrides {
            let count = plan.tasks.first?.parents.count ?? 0
            guard i >= 0, i < count else { throw SpinError.parentIndexOutOfRange(index: i, count: count, step: step.name) }
        }
        return plan
    }

    /// The run's parameters with any overrides of parameter names applied (typed as declared).
    func effectiveParameters(_ base: Value, overrides: [String: Value]) throws -> Value {
        guard case .object(var o) = base else { return base }
        for p in shape.parameters {
            if let v = overrides[p.name] {
                do { o[p.name] = try p.coerce(v) } catch { throw SpinError.badOverride("\(error)") }
            } else if o[p.name] == nil {
                o[p.name] = p.defaultValue
            }
        }
        return .object(o)
    }

    /// Every parent is completed and its artifacts' bytes are still stored.
    func checkInputs(_ t: PlannedSpin, step: String) throws {
        for parent in t.parents {
            let record = try store.task(parent)
            guard record.status == .completed else {
                throw SpinError.parentNotRun(step: step, parent: record.step, run: "\(parent.flow)/\(parent.run!)")
            }
            for a in try store.artifacts(of: parent) where !store.blobs.contains(a.hash) {
                throw SpinError.missingBlob(artifact: a.name, parent: parent.description)
            }
        }
    }

    /// The spin's tasks if `run` has what the step needs.
    func planIn(_ run: RunRecord, step: FlowShape.StepShape, req: SpinRequest) throws -> SpinPlan {
        let runName = run.pathspec.description
        let all = try store.tasks(flow: run.flow, run: run.id)
        func completed(_ s: String) -> [TaskRecord] { all.filter { $0.step == s && $0.status == .completed } }
        func innermost(_ t: TaskRecord) -> Int { t.splits.last?.index ?? 0 }
        let ran = all.filter { $0.step == step.name }
        var tasks: [PlannedSpin] = []

        if !ran.isEmpty {
            // The step ran here: re-run its task(s) on the same parents.
            // One task per place among the splits (outer splits included), the latest attempt of each.
            let byPlace = Dictionary(ran.map { ($0.splits.map(\.index), $0) }, uniquingKeysWith: { _, b in b })
            let places = byPlace.keys.sorted { $0.lexicographicallyPrecedes($1) }
            let chosen: [TaskRecord]
            if req.allSplits {
                chosen = places.map { byPlace[$0]! }
            } else {
                // --index picks the innermost split; in a nested split, the first outer one.
                guard let place = places.first(where: { ($0.last ?? 0) == req.index }) else {
                    let count = Set(places.map { $0.last ?? 0 }).count
                    throw SpinError.splitOutOfRange(step: step.name, index: req.index, count: count, run: runName)
                }
                chosen = [byPlace[place]!]
            }
            for t in chosen {
                for p in t.parents where !(all.first { $0.pathspec == p }.map { $0.status == .completed } ?? true) {
                    throw SpinError.parentNotRun(step: step.name, parent: p.step ?? "", run: runName)
                }
                tasks.append(PlannedSpin(parents: t.parents, splits: t.splits, original: t))
            }
        } else if step.name == "start" {
            tasks = [PlannedSpin(parents: [], splits: [], original: nil)]
        } else if !step.isJoin {
            // A step that never ran here: build its place from its parent's task.
            let parentName = shape.parents[step.name]![0]
            let ptasks = completed(parentName)
            guard !ptasks.isEmpty else { throw SpinError.parentNotRun(step: step.name, parent: parentName, run: runName) }
            let parentStep = shape.step(parentName)!
            switch parentStep.transition {
            case .foreach:
                let p = ptasks[0]
                let count = p.foreachCount ?? 0
                let indices = req.allSplits ? Array(0..<count) : [req.index]
                for i in indices {
                    guard i >= 0, i < count else { throw SpinError.splitOutOfRange(step: step.name, index: i, count: count, run: runName) }
                    tasks.append(PlannedSpin(parents: [p.pathspec], splits: p.splits + [SplitFrame(step: parentName, index: i, count: count)], original: nil))
                }
            case .branch(let targets):
                let p = ptasks[0]
                let i = targets.firstIndex(of: step.name) ?? 0
                tasks = [PlannedSpin(parents: [p.pathspec], splits: p.splits + [SplitFrame(step: parentName, index: i, count: targets.count)], original: nil)]
            default:
                let chosen = req.allSplits ? ptasks : [ptasks.first { innermost($0) == req.index } ?? ptasks[0]]
                tasks = chosen.map { PlannedSpin(parents: [$0.pathspec], splits: $0.splits, original: nil) }
            }
        } else {
            // A join that never ran here: gather the splits it closes.
            let parentNames = shape.parents[step.name] ?? []
            var parents: [TaskRecord] = []
            for name in parentNames {
                let ptasks = completed(name)
                guard let first = ptasks.first else { throw SpinError.parentNotRun(step: step.name, parent: name, run: runName) }
                let prefix = Array(first.splits.dropLast())
                let group = ptasks.filter { Array($0.splits.dropLast()) == prefix }
                if parentNames.count == 1 {
                    let need = first.splits.last?.count ?? 1
                    guard group.count == need else {
                        throw SpinError.joinIncomplete(step: step.name, parent: name, have: group.count, need: need, run: runName)
                    }
                    parents = group.sorted { innermost($0) < innermost($1) }
                } else {
                    parents.append(first)
                }
            }
            parents.sort { innermost($0) < innermost($1) }
            tasks = [PlannedSpin(parents: parents.map(\.pathspec), splits: Array(parents[0].splits.dropLast()), original: nil)]
        }
        return SpinPlan(source: run, tasks: tasks, parameters: run.parameters)
    }
}
