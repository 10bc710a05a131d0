import SpindleStore
import SpindleValue
import OrderedCollections

/// A flow whose graph has been checked: every transition leads to a step,
/// every step is reachable, every split is joined. Built before anything runs.
public struct FlowGraph: Sendable {
    public let flow: Flow
    /// Each step's parents, in declaration order.
    public let parents: [String: [String]]
    /// The splits each step sits in, outermost first (the steps that split).
    public let splitStack: [String: [String]]

    /// Names reserved for the flow binary's own options.
    // An array, not a Set: every process checks the graph, and a Set<String>
    // first instantiated here cost a task process 1.5 % of a foreach's CPU.
    static let reservedParameters = ["store", "max_workers", "tag", "help", "origin", "json", "run", "task"]

    /// Checks `flow`, returning its graph or the first problem found.
    public init(_ flow: Flow) throws(GraphError) {
        self.flow = flow
        guard Pathspec.isIdentifier(flow.name) else { throw .badFlowName(flow.name) }
        var seenParams = Set<String>()
        for p in flow.parameters {
            guard Pathspec.isIdentifier(p.name) else { throw .badParameterName(p.name) }
            guard !FlowGraph.reservedParameters.contains(p.name) else { throw .reservedParameter(p.name) }
            guard seenParams.insert(p.name).inserted else { throw .duplicateParameter(p.name) }
        }
        var byName: [String: Step] = [:]
        for s in flow.steps {
            guard Pathspec.isIdentifier(s.name) else { throw .badStepName(s.name, line: s.line) }
            if byName[s.name] != nil {
                throw .duplicateStep(s.name, lines: flow.steps.filter { $0.name == s.name }.map(\.line))
            }
            byName[s.name] = s
        }
        guard byName["start"] != nil else { throw .noStart }
        guard let end = byName["end"] else { throw .noEnd }
        guard end.transition == .end else { throw .endHasNext }
        let names = flow.steps.map(\.name)
        var parents: [String: [String]] = [:]
        for s in flow.steps {
            if s.name != "end", s.transition == .end { throw .noNext(step: s.name, line: s.line) }
            if case .branch(let targets) = s.transition, Set(targets).count < 2 { throw .branchTooNarrow(step: s.name) }
            if case .foreach(let artifact, _) = s.transition, !Pathspec.isIdentifier(artifact) {
                throw .badForeachArtifact(step: s.name, artifact: artifact)
            }
            for t in s.transition.targets {
                guard byName[t] != nil else {
                    throw .unknownTarget(step: s.name, target: t, suggestion: Store.nearest(t, in: names))
                }
                if t == "start" { throw .intoStart(step: s.name) }
                if !(parents[t] ?? []).contains(s.name) { parents[t, default: []].append(s.name) }
            }
        }
        // Reachability and cycles, depth first from start.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        func visit(_ n: String) throws(GraphError) {
            if state[n] == 2 { return }
            if state[n] == 1 { throw .cycle(step: n) }
            state[n] = 1
            for t in byName[n]!.transition.targets { try visit(t) }
            state[n] = 2
        }
        try visit("start")
        for s in flow.steps where state[s.name] == nil { throw .unreachable(step: s.name, line: s.line) }
        for s in flow.steps where !s.isJoin && (parents[s.name]?.count ?? 0) > 1 {
            throw .notAJoin(step: s.name, parents: parents[s.name]!)
        }
        // Split stacks, in topological order (the graph is acyclic now).
        var stacks: [String: [String]] = ["start": []]
        var order: [String] = []
        var done = Set<String>()
        func topo(_ n: String) {
            if done.contains(n) { return }
            done.insert(n)
            for t in byName[n]!.transition.targets { topo(t) }
            order.append(n)
        }
        topo("start")
        for n in order.reversed() {
            let s = byName[n]!
            if s.isJoin {
                var result: [String]?
                for p in parents[n] ?? [] {
                    guard let ps = stacks[p] else { continue }
                    guard let closing = ps.last else { throw .joinClosesNothing(step: n, parent: p) }
                    let r = Array(ps.dropLast())
                    if let result, result != r || stacks[parents[n]![0]]?.last != closing { throw .joinMixesSplits(step: n) }
                    result = r
                    let split = byName[closing]!
                    if case .branch(let ways) = split.transition, (parents[n]?.count ?? 0) != Set(ways).count {
                        throw .joinMissingBranches(step: n, split: closing, ways: Set(ways).count, parents: parents[n]!.count)
                    }
                    if case .foreach = split.transition, (parents[n]?.count ?? 0) != 1 { throw .joinMixesSplits(step: n) }
                }
                stacks[n] = result ?? []
            } else if n != "start" {
                let p = parents[n]![0]
                let ps = stacks[p] ?? []
                switch byName[p]!.transition {
                case .branch, .foreach: stacks[n] = ps + [p]
                default: stacks[n] = ps
                }
            }
            if case .foreach(_, let then) = s.transition, byName[then]!.isJoin { throw .foreachIntoJoin(step: n) }
        }
        if let open = stacks["end"]?.last {
            let kind: String
            if case .foreach = byName[open]!.transition { kind = "foreach" } else { kind = "branch" }
            throw .neverJoined(split: open, kind: kind)
        }
        self.parents = parents
        self.splitStack = stacks
    }

    /// The step named `name`.
    public func step(_ name: String) -> Step? { flow.step(name) }

    /// `name` and every step after it.
    public func descendants(of name: String) -> Set<String> {
        var out: Set<String> = [name]
        var queue = [name]
        while let n = queue.popLast() {
            for t in step(n)?.transition.targets ?? [] where out.insert(t).inserted { queue.append(t) }
        }
        return out
    }

    /// The graph as data, stored with each run so tools can draw it without the binary.
    public var descriptionValue: Value {
        .object(["flow": .string(flow.name),
                 "parameters": .array(flow.parameters.map {
                     ["name": .string($0.name), "type": .string($0.kind.rawValue), "default": $0.defaultValue, "help": .string($0.help)]
                 }),
                 "steps": .array(flow.steps.map { s in
                     var o: Value = ["name": .string(s.name), "join": .bool(s.isJoin), "file": .string(s.file), "line": .int(Int64(s.line)),
                                     "retry": .int(Int64(s.retry.count)),
                                     "timeout": s.timeout.map { .double(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) } ?? .null,
                                     "catch": s.catchArtifact.map { .string($0) } ?? .null]
                     if case .object(var d) = o {
                         switch s.transition {
                         case .to(let t): d["next"] = .array([.string(t)]); d["kind"] = "linear"
                         case .branch(let ts): d["next"] = .array(ts.map { .string($0) }); d["kind"] = "branch"
                         case .foreach(let a, let t): d["next"] = .array([.string(t)]); d["kind"] = "foreach"; d["over"] = .string(a)
                         case .end: d["next"] = .array([]); d["kind"] = "end"
                         }
                         o = .object(d)
                     }
                     return o
                 })])
    }
}
