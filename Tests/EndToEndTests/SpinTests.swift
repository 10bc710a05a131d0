import Foundation
import Testing
import SpindleStore
import SpindleValue

let smallRatings = ["--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]

/// A sandbox with one completed RatingsFlow run.
func ratingsSandbox() throws -> Sandbox {
    let box = try Sandbox()
    let out = try box.run("RatingsFlow", ["run"] + smallRatings)
    guard out.status == 0 else { throw SupportError("RatingsFlow run failed: \(out.output)") }
    return box
}

@Suite("Spin from the command line")
struct SpinTests {
    @Test("every kind of step spins: start, a foreach split, all splits, a join, end", arguments: [
        (["start"], 1), (["train", "--index", "2"], 1), (["train", "--all-splits"], 3), (["pick"], 1), (["end"], 1),
    ])
    func everyKind(args: [String], tasks: Int) throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", ["spin"] + args + ["--quiet", "--no-rebuild"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("outputs unchanged"), "\(out.stdout)")  // the same code on the same inputs
        let store = try box.store()
        let spin = try #require(try store.runs(flow: "RatingsFlow", spins: true).first)
        #expect(spin.id == .spin(1))
        #expect(spin.origin == .number(1))
        let spun = try store.tasks(flow: "RatingsFlow", run: spin.id)
        #expect(spun.count == tasks)
        #expect(spun.allSatisfy { $0.status == .completed && $0.origin?.run == .number(1) })
    }

    @Test("an override changes the outputs, and the JSON diff reports exactly that change")
    func override() throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let out = try box.run("HelloFlow", ["spin", "shout", "--set", "greeting='hey'", "--json", "--no-rebuild"])
        #expect(out.status == 0, "\(out.output)")
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        let task = try #require((json?["tasks"] as? [[String: Any]])?.first)
        let changes = try #require((task["diff"] as? [String: Any])?["changes"] as? [[String: Any]])
        // The overridden greeting is an input: recorded with the spin, left out of the outputs' diff.
        #expect(changes.map { $0["path"] as? String } == ["lengths", "lines[0]", "lines[1]", "lines[2]"])
        #expect((json?["overrides"] as? [String: Any])?["greeting"] as? String == "hey")
        #expect(json?["changed"] as? Bool == true)
        // --fail-on-diff turns a change into exit status 3; no change into 0.
        #expect(try box.run("HelloFlow", ["spin", "shout", "--set", "greeting='hey'", "--fail-on-diff", "--no-rebuild"]).status == 3)
        #expect(try box.run("HelloFlow", ["spin", "shout", "--fail-on-diff", "--no-rebuild"]).status == 0)
    }

    @Test("a spin changes nothing of the production runs")
    func productionUntouched() throws {
        let box = try ratingsSandbox()
        let before = try box.run("RatingsFlow", ["show", "1", "--json"]).stdout
        let runs = try box.run("RatingsFlow", ["runs"]).stdout
        #expect(try box.run("RatingsFlow", ["spin", "train", "--set", "input=0.2", "--quiet", "--no-rebuild"]).status == 0)
        #expect(try box.run("RatingsFlow", ["show", "1", "--json"]).stdout == before)
        #expect(try box.run("RatingsFlow", ["runs"]).stdout == runs)
        #expect(try box.store().run(flow: "RatingsFlow", id: .latest).id == .number(1))
        let spins = try box.run("RatingsFlow", ["runs", "--spins"])
        #expect(spins.stdout.contains("spin-1"))
    }

    @Test("a chain: spin train on a changed input, then pick on that train, then end")
    func chain() throws {
        let box = try ratingsSandbox()
        #expect(try box.run("RatingsFlow", ["spin", "train", "--index", "1", "--set", "input=0.3", "--quiet", "--no-rebuild"]).status == 0)
        let pick = try box.run("RatingsFlow", ["spin", "pick", "--after", "spin-1", "--quiet", "--no-rebuild"])
        #expect(pick.status == 0, "\(pick.output)")
        #expect(pick.stdout.contains("~ rmse_by_rate: [Double] 1 of 3 elements differ"), "\(pick.stdout)")
        let store = try box.store()
        let task = try #require(try store.tasks(flow: "RatingsFlow", run: .spin(2)).first)
        #expect(task.parents.map(\.description) == ["RatingsFlow/1/train/2", "RatingsFlow/spin-1/train/1", "RatingsFlow/1/train/4"])
        let end = try box.run("RatingsFlow", ["spin", "end", "--after", "spin-2", "--quiet", "--no-rebuild"])
        #expect(end.status == 0, "\(end.output)")
        #expect(try store.tasks(flow: "RatingsFlow", run: .spin(3)).first?.parents.map(\.description) == ["RatingsFlow/spin-2/pick/1"])
    }

    @Test("a step of a failed run spins on that run's inputs; a step after a failure says what must run first")
    func failedRun() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"], environment: ["FAULT_MODE": "throw"]).status == 1)
        let join = try box.run("FaultFlow", ["spin", "join", "--run", "1", "--no-rebuild"])
        #expect(join.status != 0)
        #expect(join.stderr.contains("step 'left' has no completed task in FaultFlow/1: run it (or spin it) before spinning 'join'"), "\(join.stderr)")
        let latest = try box.run("FaultFlow", ["spin", "join", "--no-rebuild"])
        #expect(latest.stderr.contains("no completed run has the inputs of 'join' (from 'left', 'right')"), "\(latest.stderr)")
        // The failed step itself, fixed, on the failed run's real inputs.
        let left = try box.run("FaultFlow", ["spin", "left", "--run", "1", "--no-rebuild"], environment: ["FAULT_MODE": "ok"])
        #expect(left.status == 0, "\(left.output)")
        #expect(left.stdout.contains("✓ FaultFlow/spin-1/left/1 completed"))
        // Still failing: exit status 1 and the reason.
        let again = try box.run("FaultFlow", ["spin", "left", "--run", "1", "--no-rebuild"], environment: ["FAULT_MODE": "throw"])
        #expect(again.status == 1)
        #expect(again.stdout.contains("failed after") && again.stdout.contains("boom: left always throws"), "\(again.stdout)")
    }

    @Test("an override that names no input or parameter is run, with a warning that suggests the nearest name")
    func unknownOverride() throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", ["spin", "train", "--set", "inptu=0.2", "--no-rebuild"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stderr.contains("warning: 'inptu' is not an artifact of the step's inputs nor a parameter (did you mean 'input'?); the step can read it as a new input, and it is not stored with the outputs"), "\(out.stderr)")
        let known = try box.run("RatingsFlow", ["spin", "train", "--set", "input=0.2", "--set", "epochs=2", "--no-rebuild"])
        #expect(known.status == 0, "\(known.output)")
        #expect(!known.stderr.contains("warning"), "\(known.stderr)")
    }

    @Test("retry and catch are off in a spin unless asked for")
    func decorators() throws {
        let box = try Sandbox()
        let env = ["FAULT_MODE": "flaky", "FAULT_RETRY": "1"]
        #expect(try box.run("FaultFlow", ["run"], environment: env).status == 0)
        #expect(try box.run("FaultFlow", ["spin", "left", "--no-rebuild"], environment: env).status == 1)
        #expect(try box.run("FaultFlow", ["spin", "left", "--with-decorators", "--no-rebuild"], environment: env).status == 0)
    }

    @Test("bad spin arguments say what is wrong", arguments: [
        (["spin", "train", "--set", "input"], "--set input: expected name=value"),
        (["spin", "train", "--set", "input=[1,"], "^ expected a value, found end of line"),
        (["spin", "train", "--set", "in put=1"], "'in put' is not an artifact or parameter name"),
        (["spin", "train", "--index", "7"], "'train' has no split 7 in RatingsFlow/1; --index takes 0…2"),
        (["spin", "trian"], "the flow has no step 'trian' (did you mean 'train'?)"),
        (["spin", "pick", "--set", "inputs[9].rmse=1"], "'pick' has 3 inputs; inputs[9] does not exist"),
        (["spin", "train", "--after", "3"], "--after '3' is not a spin id (like spin-3)"),
        (["spin", "train", "--set-file", "x=/nonexistent.json"], "cannot read /nonexistent.json"),
        (["spin", "train", "--set", "epochs='many'"], "parameter --epochs: '\"many\"' is not a value of type Int"),
    ])
    func badArguments(args: [String], message: String) throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", args + ["--no-rebuild"])
        #expect(out.status != 0)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(try box.store().runs(flow: "RatingsFlow", spins: true).isEmpty)
    }

    @Test("--set-file reads JSON; diff compares any two tasks; gc keeps what runs use")
    func fileDiffGC() throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let file = box.dir.appendingPathComponent("times.json")
        try "5".write(to: file, atomically: true, encoding: .utf8)
        #expect(try box.run("HelloFlow", ["spin", "shout", "--set-file", "times=\(file.path)", "--quiet", "--no-rebuild"]).status == 0)
        let diff = try box.run("HelloFlow", ["diff", "1/shout/2", "spin-1/shout/1"])
        // The override is the spin's input, not an output: the diff shows what it changed.
        #expect(diff.stdout.contains("~ lines"), "\(diff.stdout)")
        #expect(!diff.stdout.contains("times"), "\(diff.stdout)")
        let tool = try box.run("spindle", ["diff", "HelloFlow/1/shout/2", "HelloFlow/spin-1/shout/1", "--fail-on-diff"])
        #expect(tool.status == 3)
        let dry = try box.run("spindle", ["gc", "--older-than", "0s", "--dry-run"])
        #expect(dry.stdout.hasPrefix("would remove 1 spin"), "\(dry.output)")
        #expect(try box.run("spindle", ["gc", "--older-than", "0s"]).status == 0)
        #expect(try box.store().runs(flow: "HelloFlow", spins: true).isEmpty)
        #expect(try box.run("HelloFlow", ["show", "1/shout/2/lines"]).status == 0)
    }
}

/// The RatingsFlow sample's source, and the line a step starts on.
let ratingsSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("samples/RatingsFlow/main.swift")

func line(of needle: String) throws -> Int {
    let lines = try String(contentsOf: ratingsSource, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    return try #require(lines.firstIndex { $0.contains(needle) }) + 1
}

@Suite("Spin by place")
struct SpinAtTests {
    @Test("--at FILE:LINE spins the step whose body holds the line", arguments: [
        ("Step(\"start\"", 0, "start"), ("Step(\"train\"", 3, "train"), ("Join(\"pick\"", 1, "pick"), ("Step(\"end\"", 2, "end"),
    ])
    func at(needle: String, offset: Int, step: String) throws {
        let box = try ratingsSandbox()
        let n = try line(of: needle) + offset
        for file in [ratingsSource.path, "samples/RatingsFlow/main.swift"] {
            let out = try box.run("RatingsFlow", ["spin", "--at", "\(file):\(n)", "--quiet", "--no-rebuild"])
            #expect(out.status == 0, "\(out.output)")
            #expect(out.stdout.hasPrefix("spinning \(step)"), "\(out.stdout)")
        }
    }

    @Test("a line outside every step, or another file, is a clear error")
    func outside() throws {
        let box = try ratingsSandbox()
        let first = try line(of: "Step(\"start\"")
        let before = try box.run("RatingsFlow", ["spin", "--at", "samples/RatingsFlow/main.swift:2", "--no-rebuild"])
        #expect(before.status != 0)
        #expect(before.stderr.contains("line 2 of samples/RatingsFlow/main.swift is not inside a step; the first one, 'start', begins at line \(first)"), "\(before.stderr)")
        let other = try box.run("RatingsFlow", ["spin", "--at", "Nope.swift:10", "--no-rebuild"])
        #expect(other.stderr.contains("Nope.swift declares no step of RatingsFlow; its steps are in main.swift"))
        let both = try box.run("RatingsFlow", ["spin", "train", "--at", "x.swift:1", "--no-rebuild"])
        #expect(both.stderr.contains("give a step or --at FILE:LINE, not both"))
        let bad = try box.run("RatingsFlow", ["spin", "--at", "main.swift", "--no-rebuild"])
        #expect(bad.stderr.contains("expected FILE:LINE"))
    }

    @Test("watch spins once, and stops when told")
    func watchOnce() throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", ["watch", "end", "--max-spins", "1"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("✓ RatingsFlow/spin-1/end/1 completed"))
        #expect(out.stdout.hasSuffix("stopped watching\n"))
    }
}
