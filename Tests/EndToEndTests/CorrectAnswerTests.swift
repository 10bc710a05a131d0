import Foundation
import Testing
import SpindleStore
import SpindleValue

/// Places where resume and spin once gave a silently wrong answer, each
/// pinned by the test that failed before its fix.

/// A sandbox with one completed ShapesFlow run: a branch whose first arm
/// nests regions × shops, a one-task second arm, merging joins.
func shapesSandbox() throws -> Sandbox {
    let box = try Sandbox()
    let out = try box.run("ShapesFlow", ["run"])
    guard out.status == 0 else { throw SupportError("ShapesFlow run failed: \(out.output)") }
    return box
}

func artifact(_ store: Store, _ task: Pathspec, _ name: String) throws -> Value? {
    guard let r = try store.artifacts(of: task).first(where: { $0.name == name }) else { return nil }
    return try store.load(r)
}

func onlyTask(_ store: Store, _ flow: String, _ run: RunID) throws -> TaskRecord {
    try #require(try store.tasks(flow: flow, run: run).first)
}

@Suite("Resume re-runs what a changed parameter reaches")
struct ResumeParameterTests {
    @Test("a parameter read only by train re-runs train, says why, and gives the new results")
    func epochs() throws {
        let box = try Sandbox()
        let small = ["--users", "60", "--items", "40", "--per_user", "10"]
        #expect(try box.run("RatingsFlow", ["run", "--epochs", "3"] + small).status == 0)
        let out = try box.run("RatingsFlow", ["resume", "--origin", "1", "--epochs", "9"] + small)
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("re-running train: parameter epochs changed"), "\(out.stdout)")
        #expect(out.stdout.contains("cloned start/1 from RatingsFlow/1/start/1"), "\(out.stdout)")  // start never reads epochs
        let store = try box.store()
        let old = try store.tasks(flow: "RatingsFlow", run: .number(1), step: "train")
        let new = try store.tasks(flow: "RatingsFlow", run: .number(2), step: "train")
        #expect(new.count == 3)
        #expect(new.allSatisfy { $0.origin == nil })  // run, not cloned
        #expect(new.allSatisfy { $0.parametersRead == ["epochs", "factors", "seed"] })
        for (a, b) in zip(old, new) {
            #expect(try artifact(store, a.pathspec, "rmse") != artifact(store, b.pathspec, "rmse"))
        }
        // A run of the same parameters from scratch agrees with the resumed one.
        #expect(try box.run("RatingsFlow", ["run", "--epochs", "9"] + small).status == 0)
        let fresh = try store.tasks(flow: "RatingsFlow", run: .number(3), step: "train")
        for (a, b) in zip(fresh, new) {
            #expect(try artifact(store, a.pathspec, "rmse") == artifact(store, b.pathspec, "rmse"))
        }
    }

    @Test("each task records what it read; a parameter nobody reads clones everything")
    func readsExactly() throws {
        let box = try shapesSandbox()
        let store = try box.store()
        let reads = Dictionary(try store.tasks(flow: "ShapesFlow", run: .number(1)).map { ($0.step, $0.parametersRead) },
                               uniquingKeysWith: { a, _ in a })
        #expect(reads["start"] == .some([]))
        #expect(reads["mid"] == .some(["k"]))
        #expect(reads["end"] == .some(["k"]))
        let label = try box.run("ShapesFlow", ["resume", "--origin", "1", "--label", "y"])
        #expect(label.status == 0, "\(label.output)")
        #expect(label.stdout.contains("(19 tasks, 19 cloned)"), "\(label.stdout)")
        let k = try box.run("ShapesFlow", ["resume", "--origin", "1", "--k", "5"])
        #expect(k.status == 0, "\(k.output)")
        #expect(k.stdout.contains("re-running mid: parameter k changed"), "\(k.stdout)")
        #expect(k.stdout.contains("re-running end: its inputs changed; parameter k changed"), "\(k.stdout)")
        #expect(k.stdout.contains("(19 tasks, 17 cloned)"), "\(k.stdout)")
        let end = try #require(try store.tasks(flow: "ShapesFlow", run: .number(3), step: "end").first)
        let mid = try #require(try store.tasks(flow: "ShapesFlow", run: .number(1), step: "mid").first)
        let grand = try #require(try artifact(store, mid.pathspec, "scaled")?.intValue)
        #expect(try artifact(store, end.pathspec, "final")?.intValue == grand * 5 + 5)
    }
}

@Suite("Spin answers what the step would really compute")
struct SpinAnswerTests {
    @Test("an override reaches a merging join as the value its inputs have, and is stored")
    func joinOverride() throws {
        let box = try shapesSandbox()
        let all = try box.run("ShapesFlow", ["spin", "both", "--set", "common='nine'", "--no-rebuild", "--quiet"])
        #expect(all.status == 0, "\(all.output)")
        #expect(all.stdout.contains("~ echo: \"same everywhere\" → \"nine\""), "\(all.stdout)")
        let each = try box.run("ShapesFlow", ["spin", "both", "--set", "inputs[0].common='nine'",
                                              "--set", "inputs[1].common='nine'", "--no-rebuild", "--quiet"])
        #expect(each.status == 0, "\(each.output)")
        // One input overridden, the other not: the values differ, so the merge leaves it out.
        let half = try box.run("ShapesFlow", ["spin", "both", "--set", "inputs[0].common='nine'", "--no-rebuild", "--quiet"])
        #expect(half.status == 1)
        #expect(half.output.contains("has no input artifact 'common'"), "\(half.output)")
        // The next step after it sees the merged override, not a missing artifact.
        let next = try box.run("ShapesFlow", ["spin", "mid", "--after", "spin-1", "--no-rebuild", "--quiet"])
        #expect(next.status == 0, "\(next.output)")
        #expect(!next.stdout.contains("- common"), "\(next.stdout)")
        let store = try box.store()
        for spin in [1, 2, 4] {
            let t = try onlyTask(store, "ShapesFlow", .spin(spin))
            #expect(try artifact(store, t.pathspec, "common") == .string("nine"), "spin-\(spin)")
        }
        // A foreach's join (six shops of three regions merge into regions_done's inputs) the same way.
        let wide = try box.run("ShapesFlow", ["spin", "shops_done", "--index", "2", "--set", "common='other'", "--no-rebuild", "--quiet"])
        #expect(wide.status == 0, "\(wide.output)")
        #expect(try artifact(store, try onlyTask(store, "ShapesFlow", .spin(5)).pathspec, "common") == .string("other"))
    }

    @Test("a parameter override is carried down an --after chain")
    func chainParameters() throws {
        let box = try shapesSandbox()
        #expect(try box.run("ShapesFlow", ["spin", "mid", "--set", "k=3", "--no-rebuild", "--quiet"]).status == 0)
        let end = try box.run("ShapesFlow", ["spin", "end", "--after", "spin-1", "--no-rebuild", "--quiet", "--json"])
        #expect(end.status == 0, "\(end.output)")
        let store = try box.store()
        #expect(try store.run(flow: "ShapesFlow", id: .spin(2)).parameters["k"] == .int(3))
        let mid = try onlyTask(store, "ShapesFlow", .spin(1))
        let scaled = try #require(try artifact(store, mid.pathspec, "scaled")?.intValue)
        #expect(try artifact(store, try onlyTask(store, "ShapesFlow", .spin(2)).pathspec, "final")?.intValue == scaled + 3)
    }

    @Test("a split is addressed in full: outer.inner, a branch arm by name; printed in full")
    func addresses() throws {
        let box = try shapesSandbox()
        let inner = try box.run("ShapesFlow", ["spin", "shop", "--index", "2.1", "--no-rebuild", "--quiet"])
        #expect(inner.status == 0, "\(inner.output)")
        #expect(inner.stdout.contains("spinning shop [region 2 of 3, shop 1 of 2] on ShapesFlow/1"), "\(inner.stdout)")
        let store = try box.store()
        // Task ids follow the order tasks finished in; find them by place.
        func shop(_ region: Int, _ shop: Int) throws -> TaskRecord {
            try #require(try store.tasks(flow: "ShapesFlow", run: .number(1), step: "shop")
                .first { $0.splits.dropFirst().map(\.index) == [region, shop] })
        }
        let t = try onlyTask(store, "ShapesFlow", .spin(1))
        #expect(t.splits.filter { $0.step != "start" }.map(\.index) == [2, 1])
        #expect(t.origin == (try shop(2, 1)).pathspec)
        // A short address takes 0 for the outer levels, as before.
        #expect(try box.run("ShapesFlow", ["spin", "shop", "--index", "1", "--no-rebuild", "--quiet"]).status == 0)
        #expect(try onlyTask(store, "ShapesFlow", .spin(2)).origin == (try shop(0, 1)).pathspec)
        // The second arm of a branch, by its name alone.
        let arm = try box.run("ShapesFlow", ["spin", "b", "--no-rebuild", "--quiet"])
        #expect(arm.status == 0, "\(arm.output)")
        let bad = try box.run("ShapesFlow", ["spin", "shop", "--index", "5.1", "--no-rebuild"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'shop' has no split 5.1 in ShapesFlow/1; --index takes region.shop (region 0…2, shop 0…1)"), "\(bad.stderr)")
        let notSplit = try box.run("ShapesFlow", ["spin", "b", "--index", "1", "--no-rebuild"])
        #expect(notSplit.stderr.contains("'b' is not inside a foreach, so it has one task in ShapesFlow/1 and takes no --index (not 1)"), "\(notSplit.stderr)")
        // --all-splits names each split; show and show --json give the address.
        let all = try box.run("ShapesFlow", ["spin", "shop", "--all-splits", "--no-rebuild", "--quiet"])
        #expect(all.stdout.contains("[region 1 of 3, shop 0 of 2] completed"), "\(all.stdout)")
        let id = try shop(2, 1).id
        let show = try box.run("ShapesFlow", ["show", "1/shop/\(id)"])
        #expect(show.stdout.contains("split: [region 2 of 3, shop 1 of 2], --index 2.1"), "\(show.stdout)")
        let json = try box.run("ShapesFlow", ["show", "1/shop/\(id)", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["index"] as? [Int] == [2, 1])
        #expect((object?["splits"] as? [[String: Any]])?.count == 3)  // the branch arm, the region, the shop
        let table = try box.run("ShapesFlow", ["show", "1"])
        #expect(table.stdout.contains(try Regex("shop/\(id) +completed +1 +\\S+ s +2\\.1")), "\(table.stdout)")
    }

    @Test("a spin of a task that failed in its run diffs against it, as diff does")
    func failedOriginal() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"], environment: ["FAULT_MODE": "throw"]).status == 1)
        let spin = try box.run("FaultFlow", ["spin", "left", "--run", "1", "--json", "--no-rebuild"])
        #expect(spin.status == 0, "\(spin.output)")
        let json = try JSONSerialization.jsonObject(with: Data(spin.stdout.utf8)) as? [String: Any]
        #expect(json?["changed"] as? Bool == true)
        let diff = try box.run("FaultFlow", ["diff", "1/left/2", "spin-1/left/1", "--json"])
        let direct = try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any]
        let spun = ((json?["tasks"] as? [[String: Any]])?.first?["diff"]) as? [String: Any]
        #expect((spun?["changes"] as? [[String: Any]])?.count == 3)
        #expect((spun?["changes"] as? [[String: Any]])?.map { $0["path"] as? String } == (direct?["changes"] as? [[String: Any]])?.map { $0["path"] as? String })
        let text = try box.run("FaultFlow", ["spin", "left", "--run", "1", "--no-rebuild", "--quiet"])
        #expect(!text.stdout.contains("(no diff)"))
        #expect(text.stdout.contains("+ left_sum"), "\(text.stdout)")
    }

    @Test("an override of a foreach's input is an input: recorded, not stored as an output or merged downstream")
    func inputIsNoOutput() throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", ["spin", "train", "--index", "1", "--set", "input=0.3", "--quiet", "--no-rebuild", "--json"])
        #expect(out.status == 0, "\(out.output)")
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        #expect((json?["overrides"] as? [String: Any])?["input"] as? Double == 0.3)
        let paths = (((json?["tasks"] as? [[String: Any]])?.first?["diff"] as? [String: Any])?["changes"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        #expect(!paths.contains("input"))
        #expect(paths.contains("rate"))
        let store = try box.store()
        #expect(try artifact(store, try onlyTask(store, "RatingsFlow", .spin(1)).pathspec, "input") == nil)
        #expect(try box.run("RatingsFlow", ["spin", "pick", "--after", "spin-1", "--quiet", "--no-rebuild"]).status == 0)
        #expect(try artifact(store, try onlyTask(store, "RatingsFlow", .spin(2)).pathspec, "input") == nil)
    }

    @Test("spin --with-decorators catches a crash exactly as a run does; --no-timeout lifts the timeout")
    func decorators() throws {
        let box = try Sandbox()
        #expect(try box.run("FaultFlow", ["run"]).status == 0)
        // A long timeout: under a loaded machine the crash report can take longer than the step's 1 s,
        // and a timeout would be caught instead of the crash (it failed so once in a clean-clone CI run).
        let crash = ["FAULT_MODE": "segv", "FAULT_CATCH": "1", "FAULT_TIMEOUT": "60"]
        let run = try box.run("FaultFlow", ["run"], environment: crash)
        #expect(run.status == 0, "\(run.output)")  // the run catches the crash and goes on
        let spin = try box.run("FaultFlow", ["spin", "left", "--with-decorators", "--no-rebuild", "--quiet"], environment: crash)
        #expect(spin.status == 0, "\(spin.output)")
        let store = try box.store()
        let caught = try artifact(store, try onlyTask(store, "FaultFlow", .spin(1)).pathspec, "error")
        #expect(caught?.stringValue?.contains("SIGSEGV") == true, "\(String(describing: caught))")
        // Without decorators the crash fails the spin.
        #expect(try box.run("FaultFlow", ["spin", "left", "--no-rebuild", "--quiet"], environment: crash).status == 1)
        let slow = ["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "1", "FAULT_SLEEP": "2"]
        let timed = try box.run("FaultFlow", ["spin", "left", "--no-rebuild", "--quiet"], environment: slow)
        #expect(timed.status == 1)
        #expect(timed.stdout.contains("timed out after 1 s"), "\(timed.output)")
        let untimed = try box.run("FaultFlow", ["spin", "left", "--no-timeout", "--no-rebuild", "--quiet"], environment: slow)
        #expect(untimed.status == 0, "\(untimed.output)")
    }

    @Test("what a step printed before its timeout's kill is in its log, with a line saying why it ends")
    func timeoutKeepsOutput() throws {
        let box = try Sandbox()
        let out = try box.run("FaultFlow", ["run"], environment: ["FAULT_MODE": "timeout", "FAULT_TIMEOUT": "1"])
        #expect(out.status == 1)
        let store = try box.store()
        let left = try #require(try store.tasks(flow: "FaultFlow", run: .number(1), step: "left").first)
        let logs = try box.run("FaultFlow", ["logs", "1/left/\(left.id)"])
        #expect(logs.stdout.contains("left starts a long wait"), "\(logs.stdout)")
        #expect(logs.stdout.hasSuffix("spindle: the step's timeout of 1 s ran out; the task was killed\n"), "\(logs.stdout)")
    }

    @Test("warnings say what will happen to an override, in the command and the Swift API alike")
    func warnings() throws {
        let box = try shapesSandbox()
        let start = try box.run("ShapesFlow", ["spin", "start", "--set", "typo=1", "--no-rebuild", "--quiet"])
        #expect(start.stderr.contains("warning: 'typo' is not a parameter of ShapesFlow; 'start' has no input artifacts, so the override is ignored"), "\(start.stderr)")
        let mid = try box.run("ShapesFlow", ["spin", "mid", "--set", "grnd=1", "--no-rebuild", "--quiet", "--json"])
        #expect(mid.stderr.contains("warning: 'grnd' is not an artifact of the step's inputs nor a parameter (did you mean 'grand'?)"), "\(mid.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(mid.stdout.utf8)) as? [String: Any]
        #expect((json?["warnings"] as? [String])?.count == 1)
    }
}

@Suite("The runtime and its output")
struct OutputPipeTests {
    @Test("a run whose output pipe closes finishes the run")
    func closedPipe() throws {
        let box = try Sandbox()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try product("FaultFlow"))
        p.arguments = ["run"]
        p.currentDirectoryURL = box.dir
        var env = ProcessInfo.processInfo.environment
        env["FAULT_DIR"] = box.dir.path
        env.removeValue(forKey: "SPINDLE_STORE")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        // The reader is gone before the run writes its first line, as with `| head -0`.
        try out.fileHandleForReading.close()
        try p.runSerialized()
        p.waitUntilExit()
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 0)
        #expect(try box.store().run(flow: "FaultFlow", id: .number(1)).status == .completed)
    }
}

extension Value {
    var intValue: Int? { if case .int(let i) = self { Int(i) } else { nil } }
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
}
