import Foundation
import Testing
import SpindleStore
import SpindleValue

@Suite("Sample flows, end to end")
struct SampleFlowTests {
    @Test("HelloFlow runs, and its store holds every task and artifact")
    func hello() throws {
        let box = try Sandbox()
        let out = try box.run("HelloFlow", ["run", "--name", "Ann", "--times", "2"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("[end/3] HELLO, ANN!"))
        let store = try box.store()
        let run = try store.run(flow: "HelloFlow", id: .latest)
        #expect(run.status == .completed)
        #expect(run.parameters == ["name": "Ann", "times": 2])
        let tasks = try store.tasks(flow: "HelloFlow", run: run.id)
        #expect(tasks.map(\.step) == ["start", "shout", "end"])
        #expect(tasks.allSatisfy { $0.status == .completed })
        let end = try store.artifacts(of: tasks[2].pathspec)
        let lines = try #require(end.first { $0.name == "lines" })
        #expect(try store.load(lines) == ["HELLO, ANN!", "HELLO, ANN!"])
        #expect(try store.logs(task: tasks[0].pathspec).first?.stdout == "greeting Ann\n")
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test("RatingsFlow trains one model per rate and picks the best, deterministically")
    func ratings() throws {
        let box = try Sandbox()
        let args = ["run", "--users", "120", "--items", "80", "--per_user", "20", "--epochs", "5"]
        let first = try box.run("RatingsFlow", args)
        #expect(first.status == 0, "\(first.output)")
        let store = try box.store()
        let run = try store.run(flow: "RatingsFlow", id: .number(1))
        let tasks = try store.tasks(flow: "RatingsFlow", run: run.id)
        #expect(tasks.map(\.step) == ["start", "train", "train", "train", "pick", "end"])
        let trains = tasks.filter { $0.step == "train" }
        #expect(trains.map { $0.splits.last?.index } == [0, 1, 2])
        let pick = try #require(tasks.first { $0.step == "pick" })
        #expect(pick.parents == trains.map(\.pathspec))
        func value(_ t: TaskRecord, _ name: String) throws -> Value {
            try store.load(try #require(try store.artifacts(of: t.pathspec).first { $0.name == name }))
        }
        let rmses = try trains.map { try value($0, "rmse").doubleValue! }
        #expect(try value(pick, "best_rmse").doubleValue == rmses.min())
        #expect(try value(pick, "rmse_by_rate") == .numeric(NumericArray(rmses)))
        #expect(try value(pick, "ratings") == value(tasks[0], "ratings"))  // merged: the same on every side
        // The same seed gives the same model: the same blob.
        let second = try box.run("RatingsFlow", args)
        #expect(second.status == 0)
        let model1 = try store.artifacts(of: pick.pathspec).first { $0.name == "model" }?.hash
        let pick2 = try store.tasks(flow: "RatingsFlow", run: .number(2), step: "pick")[0]
        #expect(try store.artifacts(of: pick2.pathspec).first { $0.name == "model" }?.hash == model1)
    }

    @Test("bad command lines say what is wrong and change nothing", arguments: [
        (["run", "--epochs", "lots"], "parameter --epochs: 'lots' is not an integer"),
        (["run", "--epoch", "3"], "RatingsFlow has no parameter --epoch (did you mean --epochs?)"),
        (["run", "--epochs"], "parameter --epochs needs a value"),
        (["show", "1/../x"], "bad pathspec 'RatingsFlow/1/../x': step name '..' is not an identifier"),
        (["show", "1"], "no Spindle store (.spindle)"),
    ])
    func badCommandLines(args: [String], message: String) throws {
        let box = try Sandbox()
        let out = try box.run("RatingsFlow", args)
        #expect(out.status != 0)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.storeRoot.appendingPathComponent("meta.sqlite").path))
    }

    @Test("show, logs and runs browse a run")
    func browse() throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let runs = try box.run("HelloFlow", ["runs"])
        #expect(runs.stdout.hasPrefix("run  status     started"))
        #expect(runs.stdout.contains("name=\"world\" times=3"))
        let show = try box.run("HelloFlow", ["show", "1/shout/2"])
        #expect(show.stdout.contains("* lines     Array   Array 3 [\"HELLO, WORLD!\""), "\(show.stdout)")
        let value = try box.run("HelloFlow", ["show", "latest/shout/2/greeting"])
        #expect(value.stdout == "\"hello, world\"\n")
        let json = try box.run("HelloFlow", ["runs", "--json"])
        #expect(json.stdout.contains("\"status\": \"completed\""))
        let logs = try box.run("HelloFlow", ["logs", "1/start/1"])
        #expect(logs.stdout == "greeting world\n")
        let typo = try box.run("HelloFlow", ["show", "1/shuot"])
        #expect(typo.stderr.contains("no step 'shuot' in HelloFlow/1; did you mean shout?"), "\(typo.stderr)")
        let graph = try box.run("HelloFlow", ["graph"])
        #expect(graph.stdout.contains("start  → shout"))
    }

    @Test("several runs writing one store at once all complete")
    func concurrentRuns() throws {
        let box = try Sandbox()
        let started = try (0..<4).map { i in try box.start("HelloFlow", ["run", "--name", "n\(i)"]) }
        let outcomes = started.map { $0.finish() }
        for o in outcomes { #expect(o.status == 0, "\(o.output)") }
        let store = try box.store()
        let runs = try store.runs(flow: "HelloFlow")
        #expect(runs.count == 4)
        #expect(runs.allSatisfy { $0.status == .completed })
        #expect(Set(runs.map(\.id)) == [.number(1), .number(2), .number(3), .number(4)])
        #expect(try store.integrityCheck() == ["ok"])
    }
}
