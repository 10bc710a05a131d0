import Foundation
import Synchronization
import Testing
import SpindlePostgres
import SpindleStore
import SpindleValue

/// The servers `scripts/servers start` runs (scripts/test starts them). A
/// test that needs them and finds none fails: CI starts them, so a skip would
/// hide a gap.
enum TestServers {
    static func value(_ name: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else {
            throw SupportError("\(name) is not set: run `eval \"$(scripts/servers start)\"` first (scripts/test does it)")
        }
        return v
    }

    /// A fresh, empty database on the test PostgreSQL: a schema of its own, named through libpq's options.
    static func freshDatabase() throws -> String {
        let base = try value("SPINDLE_TEST_POSTGRES")
        let schema = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try PostgresMetadata(url: base, checkSchema: false).write { try $0.execute(sql: "CREATE SCHEMA \(schema)") }
        return base + "?options=-csearch_path%3D\(schema)"
    }
}

/// A team's setup in miniature: a "production" folder whose runs go to a
/// shared store (PostgreSQL plus a blobs folder), and a "laptop" folder with
/// its own local store, both naming the shared store `prod` in spindle.toml,
/// each with its own blob cache.
struct SharedSandbox {
    let production: Sandbox
    let laptop: Sandbox
    let metadata: String
    let blobs: String

    init() throws {
        production = try Sandbox()
        laptop = try Sandbox()
        metadata = try TestServers.freshDatabase()
        blobs = production.dir.appendingPathComponent("shared-blobs").path
        for box in [production, laptop] { try profile(in: box, metadata: metadata, blobs: blobs) }
    }

    /// Writes `spindle.toml` naming the shared store `prod` in `box`.
    func profile(in box: Sandbox, metadata: String, blobs: String) throws {
        try """
        # The team's shared store.
        [stores.prod]
        metadata = "\(metadata)"
        blobs = "\(blobs)"
        """.write(to: box.dir.appendingPathComponent("spindle.toml"), atomically: true, encoding: .utf8)
    }

    /// Runs a command in `box` with its own blob cache.
    func run(_ box: Sandbox, _ binary: String, _ arguments: [String]) throws -> Outcome {
        try box.run(binary, arguments, environment: ["SPINDLE_CACHE": box.dir.appendingPathComponent("cache").path])
    }

    /// The shared store, opened directly.
    func shared() throws -> Store {
        Store(root: production.dir, blobs: try FileBlobStore(directory: URL(fileURLWithPath: blobs)),
              metadata: try PostgresMetadata(url: metadata))
    }
}

@Suite("The shared store (PostgreSQL)")
struct SharedStoreTests {
    static let small = ["--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]

    @Test("a run recorded in the shared store is spun on a laptop: the spin is local, the shared store untouched")
    func spinFromLaptop() throws {
        let box = try SharedSandbox()
        let ran = try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small)
        #expect(ran.status == 0, "\(ran.output)")
        let spun = try box.run(box.laptop, "RatingsFlow", ["spin", "train", "--from", "prod", "--index", "1", "--set", "input=0.05"])
        #expect(spun.status == 0, "\(spun.output)")
        #expect(spun.output.contains("spinning train [train 1 of 3] on RatingsFlow/prod:1"), "\(spun.output)")
        #expect(spun.output.contains("against RatingsFlow/prod:1/train/3"), "\(spun.output)")
        #expect(spun.output.contains("~ rate: 0.01 → 0.05"), "\(spun.output)")

        // The spin lives in the laptop's store; the shared store has no spin at all.
        let local = try box.laptop.store()
        let spin = try #require(try local.runs(flow: "RatingsFlow", spins: true).first)
        #expect(spin.origin == .remote(store: "prod", number: 1))
        #expect(try box.shared().runs(flow: "RatingsFlow", spins: true).isEmpty)
        #expect(try local.runs(flow: "RatingsFlow").isEmpty, "a mirror is not one of the laptop's own runs")

        // diff and show work on the mirrored run as on any other.
        let diff = try box.run(box.laptop, "RatingsFlow", ["diff", "prod:1/train/3", "spin-1/train/1"])
        #expect(diff.status == 0 && diff.stdout.contains("~ rmse:"), "\(diff.output)")
        let shown = try box.run(box.laptop, "RatingsFlow", ["show", "prod:1/train/3/rate"])
        #expect(shown.stdout.contains("0.01"), "\(shown.output)")
    }

    @Test("the shell loads a shared store's run as prod:Flow/N on a laptop with no store yet, and spins it locally")
    func shellLoad() throws {
        let box = try SharedSandbox()
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let out = try box.laptop.start("spindle", ["shell", "prod:RatingsFlow/1"],
                                       environment: ["SPINDLE_CACHE": box.laptop.dir.appendingPathComponent("cache").path],
                                       input: "focus train 2\ninput = 0.2\nspin\n").finish()
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains("loaded RatingsFlow/prod:1 (completed"), "\(out.output)")
        #expect(out.stdout.contains("against RatingsFlow/prod:1/train/4:"), "\(out.output)")
        #expect(try box.laptop.store().runs(flow: "RatingsFlow", spins: true).count == 1)
        #expect(try box.shared().runs(flow: "RatingsFlow", spins: true).isEmpty)
    }

    @Test("the second spin of a mirrored run needs no server: its records and blobs are local")
    func secondSpinOffline() throws {
        let box = try SharedSandbox()
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let first = try box.run(box.laptop, "RatingsFlow", ["spin", "pick", "--from", "prod"])
        #expect(first.status == 0, "\(first.output)")
        // Point the laptop's profile at nothing: no database, no blobs.
        try box.profile(in: box.laptop, metadata: "postgres://nobody@127.0.0.1:1/none", blobs: "/nonexistent/blobs")
        let second = try box.run(box.laptop, "RatingsFlow", ["spin", "pick", "--run", "prod:1"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("against RatingsFlow/prod:1/pick/5:\n  outputs unchanged"), "\(second.output)")
    }

    @Test("runs write to the shared store from many processes at once, and resume works from another machine's folder")
    func manyRunsAndResume() throws {
        let box = try SharedSandbox()
        let outcomes = Mutex<[Outcome]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let out = (try? box.run(i % 2 == 0 ? box.production : box.laptop, "HelloFlow", ["run", "--store", "prod"]))
                ?? Outcome(status: -1, stdout: "", stderr: "could not start")
            outcomes.withLock { $0.append(out) }
        }
        for o in outcomes.withLock({ $0 }) { #expect(o.status == 0, "\(o.output)") }
        let shared = try box.shared()
        let runs = try shared.runs(flow: "HelloFlow")
        #expect(Set(runs.map(\.id)) == Set((1...4).map { RunID.number($0) }))
        #expect(runs.allSatisfy { $0.status == .completed })

        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let resumed = try box.run(box.laptop, "RatingsFlow", ["resume", "--store", "prod", "--origin", "1", "--epochs", "5"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("re-running train: parameter epochs changed"), "\(resumed.output)")
        let latest = try #require(try shared.latestRun(flow: "RatingsFlow"))
        #expect(latest.id == .number(2))
        #expect(latest.parameters["epochs"] == .int(5))
    }

    @Test("gc on the shared store removes old spins and their unreferenced blobs, nothing a run uses")
    func collect() throws {
        let box = try SharedSandbox()
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let spun = try box.run(box.production, "RatingsFlow", ["spin", "train", "--store", "prod", "--set", "input=0.3"])
        #expect(spun.status == 0, "\(spun.output)")
        let shared = try box.shared()
        #expect(try shared.runs(flow: "RatingsFlow", spins: true).count == 1)
        let report = try shared.collectGarbage(spinsOlderThan: -1, grace: 0)
        #expect(report.spins == ["RatingsFlow/spin-1"])
        #expect(report.blobs > 0)
        #expect(try shared.runs(flow: "RatingsFlow", spins: true).isEmpty)
        // Every artifact of the run still loads.
        for task in try shared.tasks(flow: "RatingsFlow", run: .number(1)) {
            for a in try shared.artifacts(of: task.pathspec) { _ = try shared.load(a) }
        }
    }

    @Test("SIGKILL of a runtime writing to the shared store: nothing committed is lost, resume completes the same",
          .timeLimit(.minutes(5)))
    func kills() throws {
        let box = try SharedSandbox()
        let args = ["run", "--store", "prod"] + Self.small
        #expect(try box.run(box.production, "RatingsFlow", args).status == 0)
        let shared = try box.shared()
        func finalHashes(_ run: RunID) throws -> [String: String] {
            let end = try #require(try shared.tasks(flow: "RatingsFlow", run: run, step: "end").first { $0.status == .completed })
            return Dictionary(uniqueKeysWithValues: try shared.artifacts(of: end.pathspec).map { ($0.name, $0.hash) })
        }
        let reference = try finalHashes(.number(1))
        var resumed = 0
        for k in 0..<4 {
            let running = try box.production.start("RatingsFlow", args)
            usleep(useconds_t(100_000 + k * 80_000))
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.finish()
            usleep(300_000)
            let run = try #require(try shared.runs(flow: "RatingsFlow").first)
            #expect(run.status == .completed || run.isAbandoned, "kill \(k): \(run.status)")
            // Every artifact row names a blob that is there and right.
            for task in try shared.tasks(flow: "RatingsFlow", run: run.id) where task.status == .completed {
                for a in try shared.artifacts(of: task.pathspec) { _ = try shared.load(a) }
            }
            if run.isAbandoned {
                let out = try box.run(box.laptop, "RatingsFlow", ["resume", "--store", "prod", "--origin", run.id.description])
                #expect(out.status == 0, "kill \(k): \(out.output)")
                let latest = try #require(try shared.runs(flow: "RatingsFlow").first)
                #expect(try finalHashes(latest.id) == reference, "kill \(k)")
                resumed += 1
            }
        }
        #expect(resumed > 0)
    }

    @Test("a damaged blob in the shared store is an error naming the artifact, never a wrong value")
    func damagedBlob() throws {
        let box = try SharedSandbox()
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let shared = try box.shared()
        let rate = try #require(try shared.artifacts(of: Pathspec(flow: "RatingsFlow", run: .number(1), step: "train", task: 3))
            .first { $0.name == "rate" })
        let file = URL(fileURLWithPath: box.blobs).appendingPathComponent(String(rate.hash.prefix(2)))
            .appendingPathComponent(String(rate.hash.dropFirst(2)))
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: file)
        let out = try box.run(box.laptop, "RatingsFlow", ["show", "prod:1/train/3/rate"])
        let shownHere = try box.run(box.production, "RatingsFlow", ["show", "--store", "prod", "1/train/3/rate"])
        for o in [out, shownHere] {
            #expect(o.status != 0)
            #expect(o.stderr.contains("RatingsFlow/") && o.stderr.contains("train/3/rate"), "\(o.output)")
            #expect(!o.stdout.contains("0.01"), "\(o.output)")
        }
    }

    @Test("a shared store that cannot be reached, or is named wrong, is a clear error")
    func badAddresses() throws {
        let box = try Sandbox()
        let cases: [([String], String)] = [
            (["run", "--store", "postgres://nobody@127.0.0.1:1/none,/tmp/blobs"],
             "cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/none"),
            (["run", "--store", "postgres://x:secret@127.0.0.1/db,/tmp/blobs"], "carries a password"),
            (["run", "--store", "postgres://x@127.0.0.1/db"], "a shared store needs its blobs too"),
            (["run", "--metadata", "postgres://x@127.0.0.1/db"], "--metadata needs --blobs"),
            (["spin", "train", "--from", "nowhere"], "'nowhere' is not a shared store named in spindle.toml"),
        ]
        for (args, message) in cases {
            let out = try box.run("RatingsFlow", args)
            #expect(out.status != 0)
            #expect(out.stderr.contains(message), "\(args): \(out.output)")
            #expect(!out.output.contains("secret"))
        }
    }
}
