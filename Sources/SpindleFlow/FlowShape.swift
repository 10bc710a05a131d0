import SpindleStore
import SpindleValue

/// A flow's graph as data — steps, transitions, joins, decorators,
/// parameters — without the steps' code. A flow binary makes one from its
/// `FlowGraph`; tools without the binary (the shell, `spindle`) read the one
/// each run stored, so they can plan spins and focus steps of any flow.
public struct FlowShape: Sendable {
    public struct StepShape: Sendable, Equatable {
        public var name: String
        public var transition: Transition
        public var isJoin: Bool
        public var retry: RetryPolicy
        public var timeout: Duration?
        public var catchArtifact: String?
        public var file: String
        public var line: Int
    }

    public let name: String
    public let parameters: [Parameter]
    public let steps: [StepShape]
    /// Each step's parents, in declaration order.
    public let parents: [String: [String]]

    /// The step named `name`.
    public func step(_ name: String) -> StepShape? { steps.first { $0.name == name } }

    /// The shape of a checked graph.
    public init(_ graph: FlowGraph) {
        name = graph.flow.name
        parameters = graph.flow.parameters
        steps = graph.flow.steps.map {
            StepShape(name: $0.name, transition: $0.transition, isJoin: $0.isJoin, retry: $0.retry, timeout: $0.timeout,
                      catchArtifact: $0.catchArtifact, file: $0.file, line: $0.line)
        }
        parents = graph.parents
    }

    /// A stored shape that cannot be read.
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The shape a run stored (the JSON of ``FlowGraph/descriptionValue``).
    public init(json: String) throws {
        let v: Value
        do { v = try Value(jsonText: json) } catch { throw Unreadable(description: "the run's stored graph is not JSON: \(error)") }
        guard case .string(let flowName)? = v["flow"], case .array(let stepValues)? = v["steps"] else {
            throw Unreadable(description: "the run stored no graph (it may predate this Spindle)")
        }
        name = flowName
        var params: [Parameter] = []
        if case .array(let ps)? = v["parameters"] {
            for p in ps {
                guard case .string(let n)? = p["name"] else { continue }
                let help: String = { if case .string(let h)? = p["help"] { h } else { "" } }()
                // JSON writes 2.0 as 2: the declared type says which it was.
                let declaredDouble: Bool = { if case .string("Double")? = p["type"] { true } else { false } }()
                switch p["default"] {
                case .int(let i)? where declaredDouble: params.append(Parameter(n, default: Double(i), help: help))
                case .int(let i)?: params.append(Parameter(n, default: Int(i), help: help))
                case .double(let d)?: params.append(Parameter(n, default: d, help: help))
                case .bool(let b)?: params.append(Parameter(n, default: b, help: help))
                case .string(let s)?: params.append(Parameter(n, default: s, help: help))
                default: break
                }
            }
        }
        parameters = params
        var shapes: [StepShape] = []
        var parents: [String: [String]] = [:]
        for s in stepValues {
            guard case .string(let n)? = s["name"] else { continue }
            let next: [String] = { if case .array(let a)? = s["next"] { return a.compactMap { if case .string(let x) = $0 { x } else { nil } } }; return [] }()
            let kind: String = { if case .string(let k)? = s["kind"] { k } else { "linear" } }()
            let transition: Transition
            switch kind {
            case "branch": transition = .branch(next)
            case "foreach":
                let over: String = { if case .string(let o)? = s["over"] { o } else { "" } }()
                transition = .foreach(over, then: next.first ?? "")
            case "end": transition = .end
            default: transition = next.first.map { .to($0) } ?? .end
            }
            for t in next where !(parents[t] ?? []).contains(n) { parents[t, default: []].append(n) }
            let retry = Int(s["retry"]?.doubleValue ?? 0)
            let timeout = s["timeout"]?.doubleValue.map { Duration.milliseconds(Int64($0 * 1000)) }
            let catchName: String? = { if case .string(let c)? = s["catch"] { c } else { nil } }()
            shapes.append(StepShape(name: n, transition: transition, isJoin: s["join"] == .bool(true),
                                    retry: RetryPolicy(count: retry), timeout: timeout, catchArtifact: catchName,
                                    file: { if case .string(let f)? = s["file"] { f } else { "" } }(),
                                    line: Int(s["line"]?.doubleValue ?? 0)))
        }
        steps = shapes
        self.parents = parents
    }
}

extension FlowGraph {
    /// This graph's shape.
    public var shape: FlowShape { FlowShape(self) }
}
