import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore
import SpindleValue

/// The scheduler on its own: flows run in this process (`InProcessExecutor`),
/// so ordering, retries, catch, fan-out and join bookkeeping are checked
/// without a binary.
@Suite("Scheduler")
struct SchedulerTests {
    enum Boom: Error { case once, always }

    static let nested = Flow("NestedFlow") {
        Step("start", next: .foreach("outer", then: "outer_step")) { t in t["outer"] = [10, 20] }
        Step("outer_step", next: .foreach("inner", then: "inner_step")) { t in
            let o: Int = try t.input()
            t["o"] = o
            t["inner"] = [1, 2, 3]
        }
        Step("inner_step", next: .to("inner_join"), retry: 1) { t in
            let i: Int = try t.input()
            // The middle split fails its first attempt: a retry must finish it.
            if i == 2 && t.attempt == 0 { throw Boom.once }
            t["v"] = try t.artifact("o", as: Int.self) + i
        }
        Join("inner_join", next: .to("outer_join")) { t in
            t["sum"] = try t.inputs.map { try $0.artifact("v", as: Int.self) }.reduce(0, +)
        }
        Join("outer_join", next: .to("fork")) { t in
            t["sums"] = try t.inputs.map { try $0.artifact("sum", as: Int.self) }
        }
        Step("fork", next: .branch("left", "right")) { _ in }
        Step("left", next: .to("both"), catch: "error") { _ in throw Boom.always }
        Step("right", next: .to("both")) { t in t["side"] = "right" }
        Join("both", next: .to("end")) { t in t["arms"] = try t.inputs.map(\.step) }
        Step("end") { _ in }
    }

    static let failing = Flow("FailingFlow") {
        Step("start", next: .foreach("items", then: "work")) { t in t["items"] = [0, 1, 2, 3] }
        Step("work", next: .to("join")) { t in
            let i: Int = try t.input()
            if i == 1 { throw Boom.always }
        }
        Join("join", next: .to("end")) { _ in }
        Step("end") { _ in }
    }

    func run(_ flow: Flow, workers: Int = 1) async throws -> (Store, RunRecord) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-sched-\(UUID().uuidString)")
        let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
        let graph = try FlowGraph(flow)
        var options = RunOptions()
        options.executor = InProcessExecutor(graph: graph)
        options.maxWorkers = workers
        let run = try await Runtime(graph: graph, store: store, options: options, console: .silent).run()
        return (store, run)
    }

    @Test("nested fan-out: every split runs, each join gets its splits in order, after all of them")
    func fanOutAndJoins() async throws {
        let (store, run) = try await run(Self.nested, workers: 2)
        #expect(run.status == .completed, "\(run.error ?? "")")
        let tasks = try store.tasks(flow: "NestedFlow", run: run.id)
        let byStep = Dictionary(grouping: tasks, by: \.step)
        #expect(byStep["inner_step"]?.count == 6)
        #expect(byStep["inner_join"]?.count == 2)
        for join in byStep["inner_join"] ?? [] {
            let parents = try join.parents.map { try store.task($0) }
            #expect(parents.map { $0.splits.last?.index } == [0, 1, 2])
            #expect(Set(parents.map { $0.splits.first?.index }).count == 1)  // one outer split's
            #expect(parents.allSatisfy { ($0.ended ?? .distantFuture) <= join.started })
        }
        let outer = try #require(byStep["outer_join"]?.first)
        // 10+1 + 10+2 + 10+3 and 20+1 + 20+2 + 20+3, in the outer splits' order.
        #expect(try value(store, outer.pathspec, "sums").summary(width: 40).contains("36, 66"))
        let end = try #require(byStep["end"]?.first)
        #expect(tasks.filter { $0.step != "end" }.allSatisfy { ($0.ended ?? .distantFuture) <= end.started })
    }

    @Test("a retry finishes a failed attempt; catch stores the error and the flow goes on")
    func retryAndCatch() async throws {
        let (store, run) = try await run(Self.nested)
        #expect(run.status == .completed)
        let inner = try store.tasks(flow: "NestedFlow", run: run.id, step: "inner_step")
        #expect(inner.filter { $0.attempt == 1 }.count == 2)  // the middle split of each outer split
        #expect(inner.allSatisfy { $0.status == .completed })
        let left = try #require(try store.tasks(flow: "NestedFlow", run: run.id, step: "left").first)
        #expect(left.status == .completed)
        guard case .string(let caught) = try value(store, left.pathspec, "error") else { Issue.record("no caught error"); return }
        #expect(caught.contains("always"), "\(caught)")
        let both = try #require(try store.tasks(flow: "NestedFlow", run: run.id, step: "both").first)
        #expect(try value(store, both.pathspec, "arms") == .array([.string("left"), .string("right")]))
    }

    @Test("a failed task fails the run: nothing after it starts, and the run says which task")
    func failureStops() async throws {
        let (store, run) = try await run(Self.failing)
        #expect(run.status == .failed)
        #expect(run.error?.contains("FailingFlow/\(run.id)/work/") == true, "\(run.error ?? "")")
        let tasks = try store.tasks(flow: "FailingFlow", run: run.id)
        #expect(!tasks.contains { $0.step == "join" || $0.step == "end" })
        #expect(tasks.filter { $0.status == .failed }.count == 1)
        #expect(!tasks.contains { $0.status == .running })
    }
}

@Suite("A task's invocation")
struct TaskInvocationTests {
    @Test("the argument vector does not grow with a join's parents: they are read from the task's row")
    func wideJoin() throws {
        let parents = (1...20_000).map { Pathspec(flow: "WideFlow", run: .number(1), step: "work", task: $0) }
        let inv = TaskInvocation(store: "/s/.spindle", flow: "WideFlow", run: .number(1), step: "join", task: 20_002,
                                 parents: parents, splits: [SplitFrame(step: "start", index: 0, count: 1)])
        #expect(inv.arguments.joined(separator: " ").utf8.count < 200)
        #expect(!inv.arguments.contains("--parents"))
        let back = try TaskInvocation(arguments: inv.arguments)
        #expect(back.pathspec == inv.pathspec)
    }
}
