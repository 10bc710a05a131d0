import Foundation
import OrderedCollections
import SpindleStore
import SpindleValue

/// A flow as an Argo Workflows `WorkflowTemplate`: one container template per
/// step, each running the flow binary's `_step` command (``EngineStep``) in
/// the given image against a shared store, arranged in a DAG the way the
/// runtime would schedule the steps.
///
/// - Parameters become workflow parameters (default: the flow's defaults);
///   `start` records them with the run.
/// - A foreach fans out over the indices its step writes (`withParam`): its
///   body (the steps up to the join) is a DAG template run once per split.
/// - A branch's arms are tasks of the main DAG; a join depends on what comes
///   before it, so it waits for every split.
/// - A step's retry becomes a `retryStrategy`, its timeout
///   `activeDeadlineSeconds`, its resources container requests and limits.
/// - Store credentials come from the Kubernetes Secret `secret` (its keys as
///   environment variables: PGPASSWORD, AWS_ACCESS_KEY_ID, …).
/// - The workflow's exit handler records a run that never reached `end`.
///
/// Flows that nest a split inside a split are refused (one level of foreach
/// or branch is what this export lays out), as are steps with `catch`.
public struct ArgoExport {
    public var graph: FlowGraph
    public var image: String
    /// The shared store's address (URLs only; credentials come from `secret`).
    public var store: String
    public var secret: String
    /// Where the flow binary is in the image.
    public var binaryPath: String
    public var name: String

    public init(graph: FlowGraph, image: String, store: String, secret: String = "spindle-store",
                binaryPath: String? = nil, name: String? = nil) {
        self.graph = graph
        self.image = image
        self.store = store
        self.secret = secret
        self.binaryPath = binaryPath ?? "/usr/local/bin/\(graph.flow.name)"
        self.name = name ?? Self.dnsName(graph.flow.name)
    }

    /// Where a step sits: outside any split, in a branch arm, or in a foreach's body.
    enum Place: Equatable {
        case top
        case arm(splitter: String, index: Int)
        case body(splitter: String)
    }

    /// The YAML text of the template.
    public func yaml() throws -> String {
        "# Argo Workflows WorkflowTemplate for \(graph.flow.name), made by `\(graph.flow.name) argo export`.\n"
            + "# Each step runs `\(graph.flow.name) _step` in \(image) against the shared store.\n"
            + YAMLText.render(try manifest())
    }

    /// The template as a value (what `yaml()` renders).
    public func manifest() throws -> Value {
        let places = try self.places()
        for step in graph.flow.steps where step.catchArtifact != nil {
            throw FlowError.usage("argo export: step '\(step.name)' has catch, which the export does not lay out yet; remove it or run with --executor slurm")
        }
        var templates: [Value] = []
        var mainTasks: [Value] = []
        var bodies: [String: [Value]] = [:]
        for step in graph.flow.steps {
            let place = places[step.name] ?? .top
            templates.append(template(for: step, place: place))
            let deps = predecessors(of: step.name).map { p -> String in
                if case .body(let splitter) = places[p] ?? .top, place != .body(splitter: splitter) { return Self.dnsName("\(splitter)-splits") }
                return Self.dnsName(p)
            }
            var task: OrderedDictionary<String, Value> = ["name": .string(Self.dnsName(step.name)), "template": .string("step-\(Self.dnsName(step.name))")]
            let uniqueDeps = Array(OrderedSet(deps))
            switch place {
            case .body(let splitter):
                task["arguments"] = ["parameters": [["name": "split", "value": "{{inputs.parameters.split}}"]]]
                let inBody = uniqueDeps.filter { $0 != Self.dnsName(splitter) }
                if !inBody.isEmpty { task["dependencies"] = .array(inBody.map { .string($0) }) }
                bodies[splitter, default: []].append(.object(task))
            default:
                if !uniqueDeps.isEmpty { task["dependencies"] = .array(uniqueDeps.map { .string($0) }) }
                mainTasks.append(.object(task))
            }
        }
        // Each foreach's body: a DAG run once per split, fanned out over the indices its step wrote.
        for step in graph.flow.steps {
            guard case .foreach = step.transition, let body = bodies[step.name] else { continue }
            let group = Self.dnsName("\(step.name)-splits")
            mainTasks.append(["name": .string(group), "template": .string("foreach-\(Self.dnsName(step.name))"),
                              "dependencies": [.string(Self.dnsName(step.name))],
                              "withParam": .string("{{tasks.\(Self.dnsName(step.name)).outputs.parameters.items}}"),
                              "arguments": ["parameters": [["name": "split", "value": "{{item}}"]]]])
            templates.append(["name": .string("foreach-\(Self.dnsName(step.name))"),
                              "inputs": ["parameters": [["name": "split"]]],
                              "dag": ["tasks": .array(body)]])
        }
        templates.insert(["name": "main", "dag": ["tasks": .array(mainTasks)]], at: 0)
        templates.append(["name": "finish", "container": container(["--finish", "{{workflow.status}}"], resources: nil)])
        let parameters: [Value] = graph.flow.parameters.map { p in
            ["name": .string(p.name), "value": .string(Self.parameterText(p.defaultValue))]
        }
        return [
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "metadata": ["name": .string(name), "labels": ["app.kubernetes.io/managed-by": "spindle", "spindle/flow": .string(graph.flow.name)]],
            "spec": [
                "entrypoint": "main",
                "onExit": "finish",
                "arguments": ["parameters": .array(parameters)],
                "templates": .array(templates),
            ],
        ]
    }

    /// The container template of one step.
    func template(for step: Step, place: Place) -> Value {
        var args = ["--step", step.name]
        var inputs: Value?
        switch place {
        case .top: break
        case .arm(let splitter, let index): args += ["--splits", "\(splitter):\(index)"]
        case .body(let splitter):
            args += ["--splits", "\(splitter):{{inputs.parameters.split}}"]
            inputs = ["parameters": [["name": "split"]]]
        }
        if step.name == "start" {
            for p in graph.flow.parameters { args += ["--param", "\(p.name)={{workflow.parameters.\(p.name)}}"] }
        }
        var t: OrderedDictionary<String, Value> = ["name": .string("step-\(Self.dnsName(step.name))")]
        if let inputs { t["inputs"] = inputs }
        if case .foreach = step.transition {
            args += ["--items-out", "/tmp/spindle/items.json"]
            t["outputs"] = ["parameters": [["name": "items", "valueFrom": ["path": "/tmp/spindle/items.json"]]]]
        }
        if step.retry.count > 0 {
            var retry: OrderedDictionary<String, Value> = ["limit": .string(String(step.retry.count)), "retryPolicy": "Always"]
            if step.retry.delay > .zero { retry["backoff"] = ["duration": .string("\(Int(step.retry.delay.components.seconds))s")] }
            t["retryStrategy"] = .object(retry)
        }
        if let timeout = step.timeout { t["activeDeadlineSeconds"] = .int(max(1, Int64(timeout.components.seconds))) }
        t["container"] = container(args, resources: step.resources)
        return .object(t)
    }

    func container(_ args: [String], resources: StepResources?) -> Value {
        var c: OrderedDictionary<String, Value> = [
            "image": .string(image),
            "command": [.string(binaryPath)],
            "args": .array(([EngineStep.command, "--store", store, "--run-key", "{{workflow.name}}"] + args).map { .string($0) }),
            "envFrom": [["secretRef": ["name": .string(secret)]]],
        ]
        if let r = resources {
            var amounts: OrderedDictionary<String, Value> = [:]
            if let cpus = r.cpus { amounts["cpu"] = .string(String(cpus)) }
            if let memory = r.memory { amounts["memory"] = .string(Self.kubernetesMemory(memory)) }
            if let gpus = r.gpus, gpus > 0 { amounts["nvidia.com/gpu"] = .string(String(gpus)) }
            if !amounts.isEmpty { c["resources"] = ["requests": .object(amounts), "limits": .object(amounts)] }
        }
        return .object(c)
    }

    /// Every step's place; a split inside a split is refused.
    func places() throws -> [String: Place] {
        var places: [String: Place] = ["start": .top]
        var queue = ["start"]
        while let name = queue.first {
            queue.removeFirst()
            guard let step = graph.step(name), let here = places[name] else { continue }
            func assign(_ next: String, _ place: Place) throws {
                guard let target = graph.step(next) else { return }
                let placed: Place = target.isJoin ? .top : place
                if target.isJoin, here == .top {
                    throw FlowError.usage("argo export: join '\(next)' closes no split")
                }
                if let known = places[next], known != placed, !target.isJoin {
                    throw FlowError.usage("argo export: step '\(next)' is reached from two places")
                }
                if places[next] == nil { places[next] = placed; queue.append(next) }
            }
            switch step.transition {
            case .to(let n): try assign(n, here)
            case .branch(let arms):
                guard here == .top else { throw nested(name) }
                for (i, arm) in arms.enumerated() { try assign(arm, .arm(splitter: name, index: i)) }
            case .foreach(_, let n):
                guard here == .top else { throw nested(name) }
                try assign(n, .body(splitter: name))
            case .end: break
            }
        }
        return places
    }

    func nested(_ step: String) -> FlowError {
        FlowError.usage("argo export: step '\(step)' splits inside a split; the export lays out one level of foreach or branch (use --executor slurm for this flow)")
    }

    func predecessors(of name: String) -> [String] {
        graph.flow.steps.filter { s in
            switch s.transition {
            case .to(let n): n == name
            case .branch(let ns): ns.contains(name)
            case .foreach(_, let n): n == name
            case .end: false
            }
        }.map(\.name)
    }

    /// A Kubernetes name: lowercase letters, digits and `-`.
    static func dnsName(_ text: String) -> String {
        var out = ""
        for c in text.lowercased().unicodeScalars {
            out.unicodeScalars.append(("a"..."z").contains(c) || ("0"..."9").contains(c) ? c : "-")
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// `8G` → `8Gi` (Slurm's and Kubernetes' units differ: theirs is powers of 1024 with an `i`).
    static func kubernetesMemory(_ text: String) -> String {
        guard let unit = text.last, "KMGT".contains(unit.uppercased()) else { return text }
        return String(text.dropLast()) + unit.uppercased() + "i"
    }

    /// A parameter's default as workflow parameter text: JSON, except a plain string as itself.
    static func parameterText(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return v.jsonText()
    }
}
