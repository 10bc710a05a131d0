import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore
import SpindleValue

/// A flow defined in the test itself, run and spun in this process: how a
/// flow's own tests unit-test a step on real data.
let scoresFlow = Flow("ScoresFlow") {
    Parameter("scale", default: 2.0)
    Step("start", next: .foreach("groups", then: "score")) { task in
        task["groups"] = [[1.0, 2.0], [3.0, 4.0], [5.0]]
        task["label"] = "base"
    }
    Step("score", next: .to("total")) { task in
        let group: [Double] = try task.input()
        task["score"] = group.reduce(0, +) * (try task.parameter("scale", as: Double.self))
    }
    Join("total", next: .to("end")) { task in
        try task.mergeArtifacts(except: ["score"])
        task["total"] = try task.inputs.map { try $0.artifact("score", as: Double.self) }.reduce(0, +)
    }
    Step("end") { _ in }
}

func scoresStore() async throws -> (Store, FlowGraph, RunRecord) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-spin-api-\(UUID().uuidString)")
    let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
    let graph = try FlowGraph(scoresFlow)
    var options = RunOptions()
    options.executor = InProcessExecutor(graph: graph)
    options.maxWorkers = 1
    let run = try await Runtime(graph: graph, store: store, options: options, console: .silent).run()
    return (store, graph, run)
}

func value(_ store: Store, _ task: Pathspec, _ name: String) throws -> Value {
    try store.load(try #require(try store.artifacts(of: task).first { $0.name == name }))
}

@Suite("Spin through the Swift API")
struct SpinAPITests {
    @Test("a run in process completes with every split")
    func run() async throws {
        let (store, _, run) = try await scoresStore()
        #expect(run.status == .completed)
        let total = try #require(try store.tasks(flow: "ScoresFlow", run: run.id, step: "total").first)
        #expect(try value(store, total.pathspec, "total") == .double(30))
        #expect(try value(store, total.pathspec, "label") == "base")
    }

    @Test("an override changes the outputs and the diff reports exactly that change")
    func override() async throws {
        let (store, graph, run) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let outcome = try await engine.spin(SpinRequest(step: "score", index: 1, overrides: ["input": [10.0, 20.0]]))
        #expect(outcome.succeeded)
        #expect(outcome.run.id == .spin(1))
        #expect(outcome.source.id == run.id)
        let spun = try #require(outcome.tasks.first)
        #expect(spun.original?.description == "ScoresFlow/1/score/3")
        let diff = try #require(spun.diff)
        // The overridden `input` is an input, recorded with the spin, not an output.
        #expect(diff.changes.map(\.path) == ["score"])
        #expect(diff.description == "~ score: 14.0 → 60.0 (+46, +329%)")
        #expect(outcome.overrides.map(\.name) == ["input"])
        #expect(try store.artifacts(of: spun.task.pathspec).map(\.name).sorted() == ["groups", "label", "score"])
        // The production run is untouched.
        #expect(try store.runs(flow: "ScoresFlow").map(\.id) == [run.id])
        #expect(try store.run(flow: "ScoresFlow", id: .latest).id == run.id)
        #expect(try value(store, spun.original!, "score") == .double(14))
    }

    @Test("an override that names nothing the step has comes back as a warning through the API too")
    func warning() async throws {
        let (store, graph, _) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let outcome = try await engine.spin(SpinRequest(step: "score", overrides: ["scael": 3.0]))
        #expect(outcome.warnings == ["'scael' is not an artifact of the step's inputs nor a parameter (did you mean 'scale'?); the step can read it as a new input, and it is not stored with the outputs"])
        let start = try engine.plan(SpinRequest(step: "start", overrides: ["scael": 3.0]))
        #expect(start.warnings == ["'scael' is not a parameter of ScoresFlow (did you mean 'scale'?); 'start' has no input artifacts, so the override is ignored"])
    }

    @Test("a task records the parameters it read, and an in-process resume re-runs only those it reaches")
    func parametersRead() async throws {
        let (store, graph, run) = try await scoresStore()
        let reads = try store.tasks(flow: "ScoresFlow", run: run.id).map { "\($0.step):\($0.parametersRead ?? ["?"])" }
        #expect(reads == ["start:[]", "score:[\"scale\"]", "score:[\"scale\"]", "score:[\"scale\"]", "total:[]", "end:[]"])
        var options = RunOptions(parameters: ["scale": 3.0], resume: .init(origin: run.id))
        options.executor = InProcessExecutor(graph: graph)
        options.maxWorkers = 1
        let resumed = try await Runtime(graph: graph, store: store, options: options, console: .silent).run()
        let origins = try store.tasks(flow: "ScoresFlow", run: resumed.id).map { "\($0.step):\($0.origin == nil ? "ran" : "cloned")" }
        #expect(origins == ["start:cloned", "score:ran", "score:ran", "score:ran", "total:ran", "end:ran"])
        let total = try #require(try store.tasks(flow: "ScoresFlow", run: resumed.id, step: "total").first)
        #expect(try value(store, total.pathspec, "total") == .double(45))
    }

    @Test("a parameter override changes the spin's parameters, not its artifacts")
    func parameter() async throws {
        let (store, graph, _) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let outcome = try await engine.spin(SpinRequest(step: "score", allSplits: true, overrides: ["scale": 1]))
        #expect(outcome.tasks.count == 3)
        #expect(outcome.run.parameters == ["scale": 1.0])
        #expect(outcome.tasks.map { $0.diff?.changes.map(\.path) ?? [] } == [["score"], ["score"], ["score"]])
    }

    @Test("a chain: a join spun after a spin takes the spin's task as the parent it replaced")
    func chain() async throws {
        let (store, graph, _) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        _ = try await engine.spin(SpinRequest(step: "score", index: 2, overrides: ["input": [100.0]]))
        let joined = try await engine.spin(SpinRequest(step: "total", after: .spin(1)))
        let task = try #require(joined.tasks.first?.task)
        #expect(task.parents.map(\.description) == ["ScoresFlow/1/score/2", "ScoresFlow/1/score/3", "ScoresFlow/spin-1/score/1"])
        #expect(joined.tasks.first?.diff?.description == "~ total: 30.0 → 220.0 (+190, +633%)")
    }

    @Test("a join's override can name the parent it applies to")
    func joinOverride() async throws {
        let (store, graph, _) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let outcome = try await engine.spin(SpinRequest(step: "total", parentOverrides: [0: ["score": 0.0]]))
        #expect(outcome.tasks.first?.diff?.description == "~ total: 30.0 → 24.0 (-6, -20%)")
        let bad = await #expect(throws: SpinError.self) {
            try await engine.spin(SpinRequest(step: "total", parentOverrides: [7: ["score": 0.0]]))
        }
        #expect(bad?.description == "'total' has 3 inputs; inputs[7] does not exist")
    }

    @Test("spinning a step whose parents never ran names the step to run first")
    func missingParent() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-spin-none-\(UUID().uuidString)")
        let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
        let graph = try FlowGraph(scoresFlow)
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let error = await #expect(throws: SpinError.self) { try await engine.spin(SpinRequest(step: "score")) }
        #expect(error?.description == "no completed run has the inputs of 'score' (from 'start'): run the flow, or spin start first")
        let unknown = await #expect(throws: SpinError.self) { try await engine.spin(SpinRequest(step: "scor")) }
        #expect(unknown?.description == "the flow has no step 'scor' (did you mean 'score'?)")
    }

    @Test("gc removes old spins and their blobs, never a blob a run or a kept spin uses")
    func gcSafety() async throws {
        let (store, graph, run) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        _ = try await engine.spin(SpinRequest(step: "score", overrides: ["input": [7.0]]))
        let productionHashes = try store.tasks(flow: "ScoresFlow", run: run.id).flatMap { try store.artifacts(of: $0.pathspec).map(\.hash) }
        let before = try store.blobs.allHashes().count
        let kept = try await engine.spin(SpinRequest(step: "score", overrides: ["input": [8.0]]))
        // Age 1 hour keeps every spin; age 0 removes them all but grace keeps young blobs, so use grace 0.
        #expect(try store.collectGarbage(spinsOlderThan: 3600, grace: 0).spins.isEmpty)
        let dry = try store.collectGarbage(spinsOlderThan: 0, grace: 0, dryRun: true)
        #expect(dry.spins == ["ScoresFlow/spin-1", "ScoresFlow/spin-2"])
        #expect(try store.runs(flow: "ScoresFlow", spins: true).count == 2)
        let report = try store.collectGarbage(spinsOlderThan: 0, grace: 0)
        #expect(report.spins.count == 2)
        // Only the second spin's score (16) is new: the first's (14) is production's.
        #expect(report.blobs == 1)
        #expect(try store.runs(flow: "ScoresFlow", spins: true).isEmpty)
        for h in productionHashes { #expect(store.blobs.contains(h)) }
        for t in try store.tasks(flow: "ScoresFlow", run: run.id) {
            for a in try store.artifacts(of: t.pathspec) { _ = try store.load(a) }
        }
        #expect(try store.blobs.allHashes().count == before)
        _ = kept
    }
}
