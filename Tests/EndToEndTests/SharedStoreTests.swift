import Foundation
import Synchronization
import Testing
import SpindlePostgres
import SpindleS3
import SpindleFlow
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

    /// A free TCP port on loopback.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard ok else { throw SupportError("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether an HTTP server answers at `endpoint`.
    static func answers(_ endpoint: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-o", "/dev/null", "--max-time", "2", endpoint + "/"]
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Makes a bucket on an S3 server that checks no signatures.
    static func createBucket(_ endpoint: String, _ bucket: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sf", "-X", "PUT", "\(endpoint)/\(bucket)"]
        try p.runSerialized()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw SupportError("cannot create bucket \(bucket) at \(endpoint)") }
    }

    /// A fresh prefix in the test bucket, as an s3:// URL naming the test server.
    static func freshBucketPrefix() throws -> String {
        let endpoint = try value("SPINDLE_TEST_S3"), bucket = try value("SPINDLE_TEST_S3_BUCKET")
        return "s3://\(bucket)/e2e-\(UUID().uuidString.prefix(8))?endpoint=\(endpoint)&query-slashes=raw"
    }

    /// A fresh, empty database on the test PostgreSQL: a schema of its own, named through libpq's options.
    static func freshDatabase() throws -> String {
        let base = try value("SPINDLE_TEST_POSTGRES")
        let schema = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try PostgresMetadata(url: base, checkSchema: false).write { try $0.execute(sql: "CREATE SCHEMA \(schema)") }
        return base + "?options=-csearch_path%3D\(schema)"
    }
}

/// Where a shared store's blobs live in a test.
enum BlobPlace: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The test S3 server (moto, signatures checked), under a fresh prefix.
    case s3
    /// A folder (PostgreSQL metadata, blobs on a shared disk).
    case folder
    var description: String { rawValue }
}

/// A team's setup in miniature: a "production" folder whose runs go to a
/// shared store (PostgreSQL plus S3 or a blobs folder), and a "laptop" folder
/// with its own local store, both naming the shared store `prod` in
/// spindle.toml, each with its own blob cache.
struct SharedSandbox {
    let production: Sandbox
    let laptop: Sandbox
    let metadata: String
    let blobs: String
    let place: BlobPlace

    init(_ place: BlobPlace = .s3, blobs: String? = nil) throws {
        production = try Sandbox()
        laptop = try Sandbox()
        metadata = try TestServers.freshDatabase()
        self.place = place
        switch place {
        case .folder: self.blobs = blobs ?? production.dir.appendingPathComponent("shared-blobs").path
        case .s3: self.blobs = try blobs ?? TestServers.freshBucketPrefix()
        }
        for box in [production, laptop] { try profile(in: box, metadata: metadata, blobs: self.blobs) }
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

    /// The shared store, opened directly (its blobs without a cache).
    func shared() throws -> Store {
        let db = try PostgresMetadata(url: metadata)
        return Store(root: production.dir, blobs: TieredBlobStore(metadata: db, large: try sharedBlobs()), metadata: db)
    }

    /// The shared store's blobs, with no cache in front.
    func sharedBlobs() throws -> any BlobStore {
        switch place {
        case .folder: return try FileBlobStore(directory: URL(fileURLWithPath: blobs))
        case .s3:
            return S3BlobStore(client: try S3Client(try SharedBlobs.configuration(blobs),
                                                    credentials: try AWSConfiguration.credentials()))
        }
    }

    /// Replaces the stored bytes of blob `hash` in the shared store with `bytes`.
    func overwrite(_ hash: String, with bytes: [UInt8]) throws {
        let db = try PostgresMetadata(url: metadata)
        if try db.read({ try $0.fetchOne(sql: "SELECT 1 FROM small_blobs WHERE hash = ?", hash) }) != nil {
            try db.write { try $0.execute(sql: "UPDATE small_blobs SET bytes = ? WHERE hash = ?", bytes, hash) }
            return
        }
        switch place {
        case .folder:
            let file = URL(fileURLWithPath: blobs).appendingPathComponent(String(hash.prefix(2)))
                .appendingPathComponent(String(hash.dropFirst(2)))
            try Data(bytes).write(to: file)
        case .s3:
            let client = try S3Client(try SharedBlobs.configuration(blobs), credentials: try AWSConfiguration.credentials())
            try client.put(S3BlobStore.key(hash), bytes)
        }
    }

    /// The stored bytes of blob `hash` in the shared store, unverified.
    func storedBytes(_ hash: String) throws -> [UInt8] {
        if let row = try PostgresMetadata(url: metadata).read({ try $0.fetchOne(sql: "SELECT bytes FROM small_blobs WHERE hash = ?", hash) }),
           case .blob(let bytes) = row[0] {
            return bytes
        }
        switch place {
        case .folder:
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: blobs).appendingPathComponent(String(hash.prefix(2)))
                .appendingPathComponent(String(hash.dropFirst(2)))))
        case .s3:
            let client = try S3Client(try SharedBlobs.configuration(blobs), credentials: try AWSConfiguration.credentials())
            return try client.get(S3BlobStore.key(hash)) ?? []
        }
    }
}

@Suite("The shared store (PostgreSQL)")
struct SharedStoreTests {
    static let small = ["--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3"]

    @Test("a run recorded in the shared store is spun on a laptop: the spin is local, the shared store untouched", arguments: BlobPlace.allCases)
    func spinFromLaptop(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
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
        let listed = try box.run(box.laptop, "RatingsFlow", ["runs", "--mirrors"])
        #expect(listed.stdout.contains("prod:1") && listed.stdout.contains("completed"), "\(listed.output)")

        // diff and show work on the mirrored run as on any other.
        let diff = try box.run(box.laptop, "RatingsFlow", ["diff", "prod:1/train/3", "spin-1/train/1"])
        #expect(diff.status == 0 && diff.stdout.contains("~ rmse:"), "\(diff.output)")
        let shown = try box.run(box.laptop, "RatingsFlow", ["show", "prod:1/train/3/rate"])
        #expect(shown.stdout.contains("0.01"), "\(shown.output)")

        // The blobs the spin read from S3 are in the laptop's cache; `spindle cache` shows and clears them.
        guard place == .s3 else { return }
        let cache = try box.run(box.laptop, "spindle", ["cache"])
        let count = cache.stdout.split(separator: "\n").first { $0.hasPrefix("blobs") }.flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect((count ?? 0) > 0, "\(cache.output)")
        let cleared = try box.run(box.laptop, "spindle", ["cache", "--clear"])
        #expect(cleared.stdout.hasPrefix("cleared \(count ?? -1) blob"), "\(cleared.output)")
        #expect(try box.run(box.laptop, "spindle", ["cache"]).stdout.contains("blobs   0\n"))
        // And the run still spins: the bytes come from S3 again.
        let again = try box.run(box.laptop, "RatingsFlow", ["spin", "train", "--run", "prod:1", "--index", "1", "--set", "input=0.05"])
        #expect(again.status == 0, "\(again.output)")
    }

    @Test("the shell loads a shared store's run as prod:Flow/N on a laptop with no store yet, and spins it locally", arguments: [BlobPlace.s3])
    func shellLoad(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
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

    @Test("the second spin of a mirrored run needs no server: its records and blobs are local", arguments: BlobPlace.allCases)
    func secondSpinOffline(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let first = try box.run(box.laptop, "RatingsFlow", ["spin", "pick", "--from", "prod"])
        #expect(first.status == 0, "\(first.output)")
        // Point the laptop's profile at nothing: no database, no blobs.
        try box.profile(in: box.laptop, metadata: "postgres://nobody@127.0.0.1:1/none", blobs: "/nonexistent/blobs")
        // And no S3: any request would now be refused (a wrong key and secret).
        let second = try box.laptop.run("RatingsFlow", ["spin", "pick", "--run", "prod:1"], environment: [
            "SPINDLE_CACHE": box.laptop.dir.appendingPathComponent("cache").path,
            "AWS_ACCESS_KEY_ID": "AKIAWRONGWRONGWRONG1", "AWS_SECRET_ACCESS_KEY": "wrong"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("against RatingsFlow/prod:1/pick/5:\n  outputs unchanged"), "\(second.output)")
    }

    @Test("runs write to the shared store from many processes at once, and resume works from another machine's folder",
          arguments: [BlobPlace.s3])
    func manyRunsAndResume(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
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

    @Test("gc on the shared store removes old spins and their unreferenced blobs, nothing a run uses", arguments: BlobPlace.allCases)
    func collect(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
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
          .timeLimit(.minutes(10)), arguments: [BlobPlace.s3])
    func kills(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
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
            let recorded = try shared.runs(flow: "RatingsFlow").count
            let running = try box.production.start("RatingsFlow", args)
            // Killed once its run is recorded, at a later instant each time: at fixed instants
            // from its start, a slow start on a loaded machine could take every kill before the
            // run existed, and nothing would be resumed.
            let deadline = Date().addingTimeInterval(60)
            while try shared.runs(flow: "RatingsFlow").count == recorded, running.process.isRunning, Date() < deadline { usleep(10_000) }
            try #require(try shared.runs(flow: "RatingsFlow").count > recorded, "kill \(k): the run was never recorded")
            usleep(useconds_t(k * 80_000))
            if running.process.isRunning { kill(running.process.processIdentifier, SIGKILL) }  // once reaped, its pid may be another's
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

    @Test("a damaged blob in the shared store is an error naming the artifact, never a wrong value", arguments: BlobPlace.allCases)
    func damagedBlob(place: BlobPlace) throws {
        let box = try SharedSandbox(place)
        #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0)
        let shared = try box.shared()
        let rate = try #require(try shared.artifacts(of: Pathspec(flow: "RatingsFlow", run: .number(1), step: "train", task: 3))
            .first { $0.name == "rate" })
        var bytes = try box.storedBytes(rate.hash)
        bytes[bytes.count - 1] ^= 0x01
        try box.overwrite(rate.hash, with: bytes)
        let out = try box.run(box.laptop, "RatingsFlow", ["show", "prod:1/train/3/rate"])
        // The production folder's cache holds a good copy (written through when the task saved it), which
        // is right to use; with an empty cache, its read meets the damage too.
        let shownHere = try box.production.run("RatingsFlow", ["show", "--store", "prod", "1/train/3/rate"],
                                               environment: ["SPINDLE_CACHE": box.production.dir.appendingPathComponent("empty-cache").path])
        for o in [out, shownHere] {
            #expect(o.status != 0)
            #expect(o.stderr.contains("RatingsFlow/") && o.stderr.contains("train/3/rate"), "\(o.output)")
            #expect(!o.stdout.contains("0.01"), "\(o.output)")
        }
    }

    @Test("MCP spins a shared store's run given as run: \"prod:2\", copying it into the local store first")
    func mcpSpin() async throws {
        let box = try SharedSandbox(.s3)
        for _ in 0..<2 { #expect(try box.run(box.production, "RatingsFlow", ["run", "--store", "prod"] + Self.small).status == 0) }
        // The laptop's store exists (a first look at run 1); run 2 is not mirrored yet.
        #expect(try box.run(box.laptop, "RatingsFlow", ["show", "prod:1"]).status == 0)
        let cache = box.laptop.dir.appendingPathComponent("cache").path
        let mcp = try await MCPSession(store: box.laptop.storeRoot, environment: ["SPINDLE_CACHE": cache], directory: box.laptop.dir)
        let answer = try await mcp.call("spin", #"{"flow":"RatingsFlow","step":"train","run":"prod:2","index":1,"overrides":{"input":0.05}}"#)
        _ = await mcp.close()
        #expect(!answer.isError, "\(answer.text)")
        #expect(answer.text.contains("RatingsFlow/prod:2/train/3"), "\(answer.text)")
        let local = try box.laptop.store()
        #expect(try local.mirrored(flow: "RatingsFlow", store: "prod", number: 2) != nil)
        #expect(try local.runs(flow: "RatingsFlow", spins: true).first?.origin == .remote(store: "prod", number: 2))
        #expect(try box.shared().runs(flow: "RatingsFlow", spins: true).isEmpty)
    }

    @Test("the shared-store demo transcript replays against the real servers")
    func transcript() throws {
        let box = try SharedSandbox(.s3)
        let file = transcriptsFolder.appendingPathComponent("shared-store.txt").path
        let out = try box.run(box.laptop, "spindle", ["replay", file, "--check"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains(", 0 failed"), "\(out.output)")
        #expect(try box.shared().runs(flow: "RatingsFlow").count == 1, "the transcript's run went to the shared store")
    }

    @Test("a wrong S3 secret fails the run with advice, and never shows the secret")
    func wrongSecret() throws {
        let box = try SharedSandbox(.s3)
        let out = try box.production.run("RatingsFlow", ["run", "--store", "prod"] + Self.small, environment: [
            "SPINDLE_CACHE": box.production.dir.appendingPathComponent("cache").path,
            "AWS_SECRET_ACCESS_KEY": "not-the-secret-4417"])
        #expect(out.status != 0)
        #expect(out.output.contains("S3 rejected the signature for access key"), "\(out.output)")
        #expect(out.output.contains("check AWS_SECRET_ACCESS_KEY"), "\(out.output)")
        #expect(!out.output.contains("not-the-secret-4417"))
        let run = try #require(try box.shared().runs(flow: "RatingsFlow").first)
        #expect(run.status == .failed)
        #expect(!(run.error ?? "").contains("not-the-secret-4417"))
    }

    @Test("an S3 server that dies mid-run: each write is retried, then the run fails saying so, with no task half-recorded",
          .timeLimit(.minutes(10)))
    func serverDiesMidRun() throws {
        // An S3 server of this test's own (no authentication), so stopping it harms no other test.
        let moto = Process()
        moto.executableURL = URL(fileURLWithPath: try TestServers.value("SPINDLE_TEST_MOTO"))
        let port = try TestServers.freePort()
        moto.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        moto.standardOutput = FileHandle.nullDevice
        moto.standardError = FileHandle.nullDevice
        try moto.runSerialized()
        defer { if moto.isRunning { kill(moto.processIdentifier, SIGKILL) } }
        let endpoint = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            usleep(100_000)
            ready = TestServers.answers(endpoint)
        }
        #expect(ready, "moto did not start on \(endpoint)")
        try TestServers.createBucket(endpoint, "dies")
        let box = try SharedSandbox(.s3, blobs: "s3://dies/run?endpoint=\(endpoint)&query-slashes=raw")
        let running = try box.production.start("RatingsFlow", ["run", "--store", "prod", "--epochs", "200"], environment: [
            "SPINDLE_CACHE": box.production.dir.appendingPathComponent("cache").path])
        // Once the first task is recorded complete, the server goes.
        let shared = Store(root: box.production.dir, blobs: try FileBlobStore(directory: box.production.dir.appendingPathComponent("unused")),
                           metadata: try PostgresMetadata(url: box.metadata))
        var started = Date()
        while Date().timeIntervalSince(started) < 60 {
            if let run = try shared.runs(flow: "RatingsFlow").first,
               try shared.tasks(flow: "RatingsFlow", run: run.id).contains(where: { $0.status == .completed }) { break }
            usleep(20_000)
        }
        kill(moto.processIdentifier, SIGKILL)
        started = Date()
        let out = running.finish()
        #expect(out.status != 0)
        #expect(out.output.contains("cannot reach S3 at \(endpoint)"), "\(out.output)")
        #expect(out.output.contains("after 5 attempts"), "\(out.output)")
        let run = try #require(try shared.runs(flow: "RatingsFlow").first)
        #expect(run.status == .failed)
        for task in try shared.tasks(flow: "RatingsFlow", run: run.id) {
            #expect(task.status != .running, "\(task.pathspec) left running")
            if task.status == .failed {
                #expect(try shared.artifacts(of: task.pathspec).isEmpty, "\(task.pathspec) failed with artifact rows")
            }
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
