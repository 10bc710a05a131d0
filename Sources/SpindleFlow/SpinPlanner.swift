import SpindleStore
import SpindleValue
import OrderedCollections

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
    /// The parameters the spun step sees: the source run's (or, after an
    /// earlier spin, that spin's), with overrides.
    public var parameters: Value
    /// What the overrides will do that the caller may not expect (a name
    /// that is neither an input nor a parameter); each a sentence.
    public var warnings: [String] = []
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
        // A chain keeps what the earlier spin ran with: its parameters, overrides included.
        let base = try req.after.map { try store.run(flow: shape.name, id: $0).parameters } ?? plan.source.parameters
        plan.parameters = try effectiveParameters(base, overrides: req.overrides)
        plan.warnings = try warnings(req, plan: plan)
        for t in plan.tasks { try checkInputs(t, step: step.name) }
        for (i, _) in req.parentOverrides {
            let count = plan.tasks.first?.parents.count ?? 0
            guard i >= 0, i < count else { throw SpinError.parentIndexOutOfRange(index: i, count: count, step: step.name) }
        }
        return plan
    }

    /// A warning for each override that names no input artifact and no
    /// parameter: most often a misspelt name, so say what will happen to it
    /// and suggest the nearest name.
    func warnings(_ req: SpinRequest, plan: SpinPlan) throws -> [String] {
        var names = Set(req.overrides.keys)
        for o in req.parentOverrides.values { names.formUnion(o.keys) }
        guard !names.isEmpty else { return [] }
        let parameters = shape.parameters.map(\.name)
        var known = parameters
        // A step inside a foreach also reads its split's element as `input`.
        if let task = plan.tasks.first, !shape.foreachFrames(task.splits).isEmpty { known.append("input") }
        let parents = plan.tasks.first?.parents ?? []
        for parent in parents { known += try store.artifacts(of: parent).map(\.name) }
        return names.sorted().filter { !known.contains($0) }.map { name in
            let hint = Suggestion.hint(Store.nearest(name, in: known))
            if parents.isEmpty {
                return "'\(name)' is not a parameter of \(shape.name)\(hint); '\(req.step)' has no input artifacts, so the override is ignored"
            }
            return "'\(name)' is not an artifact of the step's inputs nor a parameter\(hint); the step can read it as a new input, and it is not stored with the outputs"
        }
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
        func address(_ t: TaskRecord) -> [Int] { shape.address(of: t.splits) }
        /// What each foreach level around tasks like `t` holds, for an error: `region 0…2, shop 0…1`.
        func levels(_ sample: [SplitFrame], extra: (String, Int)? = nil) -> String {
            var parts = shape.foreachFrames(sample).map { "\(shape.label(of: $0)) 0…\($0.count - 1)" }
            if let (label, count) = extra { parts.append("\(label) 0…\(count - 1)") }
            guard !parts.isEmpty else { return "" }
            if parts.count == 1 { return String(parts[0].split(separator: " ")[1]) }
            let names = parts.map { String($0.split(separator: " ")[0]) }
            return names.joined(separator: ".") + " (" + parts.joined(separator: ", ") + ")"
        }
        let ran = all.filter { $0.step == step.name }
        var tasks: [PlannedSpin] = []

        if !ran.isEmpty {
            // The step ran here: re-run its task(s) on the same parents.
            // One task per place among the splits (outer splits included), the latest attempt of each.
            let byPlace = Dictionary(ran.map { (address($0), $0) }, uniquingKeysWith: { _, b in b })
            let places = byPlace.keys.sorted { $0.lexicographicallyPrecedes($1) }
            let chosen: [TaskRecord]
            if req.allSplits {
                chosen = places.map { byPlace[$0]! }
            } else {
                // --index names the split in full (outer.inner); a shorter one takes 0 for the outer levels.
                let depth = places.first?.count ?? 0
                guard let want = req.index.padded(to: depth), let t = byPlace[want] else {
                    throw SpinError.noSuchSplit(step: step.name, address: req.index.description,
                                                levels: levels(ran[0].splits), run: runName)
                }
                chosen = [t]
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
            let parentDepth = address(ptasks[0]).count
            func noSuchSplit(_ extra: (String, Int)? = nil) -> SpinError {
                .noSuchSplit(step: step.name, address: req.index.description, levels: levels(ptasks[0].splits, extra: extra), run: runName)
            }
            switch parentStep.transition {
            case .foreach:
                let want = req.index.padded(to: parentDepth + 1) ?? []
                guard let p = req.allSplits ? ptasks[0] : ptasks.first(where: { address($0) == Array(want.dropLast()) }) else {
                    throw noSuchSplit((step.name, ptasks[0].foreachCount ?? 0))
                }
                let count = p.foreachCount ?? 0
                let indices = req.allSplits ? Array(0..<count) : [want.last ?? 0]
                for i in indices {
                    guard want.count == parentDepth + 1 || req.allSplits, i >= 0, i < count else { throw noSuchSplit((step.name, count)) }
                    tasks.append(PlannedSpin(parents: [p.pathspec], splits: p.splits + [SplitFrame(step: parentName, index: i, count: count)], original: nil))
                }
            case .branch(let targets):
                guard let want = req.index.padded(to: parentDepth), let p = ptasks.first(where: { address($0) == want }) else {
                    throw noSuchSplit()
                }
                let i = targets.firstIndex(of: step.name) ?? 0
                tasks = [PlannedSpin(parents: [p.pathspec], splits: p.splits + [SplitFrame(step: parentName, index: i, count: targets.count)], original: nil)]
            default:
                let chosen: [TaskRecord]
                if req.allSplits {
                    chosen = ptasks
                } else {
                    guard let want = req.index.padded(to: parentDepth), let p = ptasks.first(where: { address($0) == want }) else {
                        throw noSuchSplit()
                    }
                    chosen = [p]
                }
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
