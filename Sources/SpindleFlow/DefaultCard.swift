import Foundation
import OrderedCollections
import SpindleCards
import SpindleStore
import SpindleValue

/// Every task's card, made from its records when asked for (so it costs a
/// task nothing while it runs, and always shows what the store holds now):
/// where it ran and how long, the run's parameters, the graph with this
/// task's step marked, its artifacts with summaries (and a chart of each
/// small numeric array it made), the tail of its log, and its failure.
public enum DefaultCard {
    /// The name the default card goes by beside a task's own cards.
    public static let name = "default"
    /// Numeric arrays up to this many elements are charted.
    static let chartLimit = 100_000
    /// Lines of the log shown.
    static let logLines = 40

    public static func make(for spec: Pathspec, store: Store) throws -> Card {
        let task = try store.task(spec)
        let run = try store.run(flow: task.flow, id: task.run)
        let shape = try? FlowShape(json: try store.graph(flow: task.flow, run: task.run))
        let place = shape?.describe(task.splits) ?? ""
        var card = Card(title: spec.description,
                        subtitle: "\(task.step)\(place.isEmpty ? "" : " " + place) · \(task.status.rawValue)"
                            + (task.ended.map { " in \(Browse.seconds($0.timeIntervalSince(task.started)))" } ?? ""))
        var facts = [CardFact("status", task.status.rawValue), CardFact("attempts", String(task.attempt + 1)),
                     CardFact("started", Browse.time(task.started))]
        if let ended = task.ended { facts.append(CardFact("duration", Browse.seconds(ended.timeIntervalSince(task.started)))) }
        if let p = task.placement { facts.append(CardFact("ran on", p.description)) }
        if !task.parents.isEmpty { facts.append(CardFact("inputs from", task.parents.map(\.description).joined(separator: ", "))) }
        if let origin = task.origin { facts.append(CardFact("cloned from", origin.description)) }
        card.append(.facts(title: "Task", facts))
        if case .object(let params) = run.parameters, !params.isEmpty {
            card.append(.facts(title: "Parameters", params.map { CardFact($0.key, $0.value.summary(width: 80)) }))
        }
        if let shape {
            let tasks = try store.tasks(flow: task.flow, run: task.run, parents: false)  // the graph needs only states
            card.append(.graph(graph(shape, tasks: tasks, current: task.step)))
        }
        if let failure = try TaskFailure(task, store: store) {
            card.append(.error(title: "failed after \(failure.attempts) attempt\(failure.attempts == 1 ? "" : "s")", message: failure.message))
            if !failure.backtrace.isEmpty { card.append(.log(title: "Backtrace (the crashed thread)", lines: failure.backtrace)) }
        }
        let artifacts = try store.artifacts(of: spec)
        for a in artifacts { card.append(.artifact(name: a.name, type: a.type, summary: a.summary)) }
        for a in artifacts where a.isOwn {
            guard a.type.hasPrefix("[") , a.size <= chartLimit * 8 + 64, case .numeric(let n)? = try? store.load(a),
                  n.rank == 1, n.count > 1, n.count <= chartLimit else { continue }
            card.append(.chart(CardChart(.line, title: a.name, xLabel: "index", yLabel: a.name, series: [CardSeries(a.name, y: n.doubles())])))
        }
        if let log = try store.logs(task: spec).last {
            let text = log.stdout + TaskLauncher.beforeCrashReport(log.stderr)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
            if !lines.isEmpty {
                card.append(.log(title: "Output (attempt \(log.attempt + 1), last \(min(lines.count, logLines)) lines)", lines: Array(lines.suffix(logLines))))
            }
        }
        return card
    }

    /// The flow's graph with each step's state in the run, `current` marked.
    public static func graph(_ shape: FlowShape, tasks: [TaskRecord], current: String?) -> CardGraph {
        let rank = ["failed": 4, "running": 3, "completed": 2]
        var states: [String: String] = [:]
        for t in tasks where (rank[t.status.rawValue] ?? 1) > (rank[states[t.step] ?? ""] ?? 0) { states[t.step] = t.status.rawValue }
        let nodes = shape.steps.map { CardGraph.Node($0.name, state: states[$0.name] ?? "not run", isCurrent: $0.name == current) }
        let edges = shape.steps.flatMap { s in s.transition.targets.map { CardGraph.Edge(s.name, $0) } }
        return CardGraph(nodes: nodes, edges: edges)
    }
}
