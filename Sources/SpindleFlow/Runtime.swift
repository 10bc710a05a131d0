import Foundation
import Synchronization
import SpindleStore
import SpindleValue
import OrderedCollections

/// Runs a flow: one subprocess per task, at most `maxWorkers` at once, in
/// the order the graph allows; retries, timeouts and catch as each step says;
/// every task's output captured into the store; Ctrl-C cancels cleanly.
public struct Runtime: Sendable {
    public let graph: FlowGraph
    public let store: Store
    public let options: RunOptions
    public let console: Console

    public init(graph: FlowGraph, store: Store, options: RunOptions, console: Console = Console()) {
        self.graph = graph
        self.store = store
        self.options = options
        self.console = console
    }

    /// The parameters a run gets: defaults, then the origin's (on resume), then the given ones.
    public func resolveParameters(origin: RunRecord?) throws -> Value {
        var out: [(String, Value)] = []
        for p in graph.flow.parameters {
            var v = p.defaultValue
            if let o = origin?.parameters[p.name] { v = o }
            if let given = options.parameters[p.name] { v = try p.coerce(given) }
            out.append((p.name, v))
        }
        for name in options.parameters.keys where graph.flow.parameters.allSatisfy({ $0.name != name }) {
            throw FlowError.unknownParameter(name: name, known: graph.flow.parameters.map(\.name))
        }
        return .object(.init(uniqueKeysWithValues: out))
    }

    /// Runs the flow to its end (or first unrecoverable failure, or Ctrl-C) and returns the run as recorded.
    public func run() async throws -> RunRecord {
        var origin: RunRecord?
        if let r = options.resume {
            origin = try store.run(flow: graph.flow.name, id: r.origin)
            if let from = r.fromStep, graph.step(from) == nil {
                throw FlowError.usage("resume: the flow has no step '\(from)'"
                    + (Suggestion.hint(Store.nearest(from, in: graph.flow.steps.map(\.name)))))
            }
        }
        let parameters = try resolveParameters(origin: origin)
        // A run in this process has no flow binary to spin it with later.
        let binary = options.executor is InProcessExecutor ? nil : options.binary
        let run = try store.createRun(.init(flow: graph.flow.name, parameters: parameters,
                                            graph: graph.descriptionValue.jsonText(), tags: options.tags,
                                            origin: origin?.id, binary: binary))
        Trace.mark("run recorded")
        let scheduler = Scheduler(runtime: self, run: run, origin: origin)
        // A heartbeat while the run runs: another machine sharing the store tells a live run from a dead one by it.
        let store = self.store, interval = Store.heartbeatInterval
        let heartbeat = Task.detached {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(interval)) } catch { return }
                try? store.beat(flow: run.flow, id: run.id)
            }
        }
        defer { heartbeat.cancel() }
        return try await scheduler.execute()
    }
}
