import Foundation
import Testing
@testable import SpindlePostgres
import SpindleStore
import SpindleValue
import Synchronization

/// The test server's URL (`scripts/servers start` prints it as SPINDLE_TEST_POSTGRES).
/// A test that needs it and finds none fails: CI starts the server, so a skip would hide a gap.
func testServerURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["SPINDLE_TEST_POSTGRES"], !url.isEmpty else {
        Issue.record("SPINDLE_TEST_POSTGRES is not set: run `eval \"$(scripts/servers start)\"` (scripts/test does it)")
        throw CancellationError()
    }
    return url
}

/// A fresh, empty database for one test: a schema of its own on the test
/// server, named through libpq's `options` (so the tables are the store's own).
func freshDatabaseURL() throws -> String {
    let base = try testServerURL()
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let admin = try PostgresMetadata(url: base, checkSchema: false)
    try admin.write { db in try db.execute(sql: "CREATE SCHEMA \(schema)") }
    return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
}

/// The same store operations against a store over `metadata`, returning what a user would see.
func exercise(_ store: Store) throws -> [String] {
    var seen: [String] = []
    let run = try store.createRun(.init(flow: "F", parameters: ["n": 3, "rate": 0.5], tags: ["b", "a"],
                                        binary: "/bin/F"))
    let start = TaskRecord(flow: "F", run: run.id, step: "start", id: 1)
    try store.startTask(start)
    let artifacts = try [("x", Value.int(Int64.max)), ("w", .numeric(NumericArray([1.5, -2, .infinity]))),
                         ("s", .string("naïve — \u{0}zero"))].map { try store.saveArtifact($0.0, $0.1, task: start.pathspec) }
    try store.completeTask(start.pathspec, artifacts: artifacts, foreachCount: 2, parametersRead: ["rate", "n"])
    try store.saveLog(task: start.pathspec, attempt: 0, stdout: "hello\n", stderr: "", truncated: false)
    try store.saveLog(task: start.pathspec, attempt: 0, stdout: "hello again\n", stderr: "warn\n", truncated: true)
    let end = TaskRecord(flow: "F", run: run.id, step: "end", id: 2, parents: [start.pathspec])
    try store.startTask(end)
    try store.failTask(end.pathspec, error: "boom")
    try store.finishRun(flow: "F", id: run.id, status: .failed, error: "end failed")
    let spin = try store.createRun(.init(flow: "F", isSpin: true, origin: run.id, originTask: "start/1",
                                         overrides: ["x": 1]))
    let startRecord = try store.task(start.pathspec)
    try store.cloneTask(startRecord, into: spin.id, id: 1, parents: [])
    try store.finishRun(flow: "F", id: spin.id, status: .completed)

    for r in try store.runs(flow: "F") + store.runs(flow: "F", spins: true) {
        let origin = r.origin.map(\.description) ?? "-", overrides = r.overrides.map { "\($0)" } ?? "-"
        seen.append("run \(r.id) \(r.status) \(r.parameters) \(r.tags) \(origin) \(r.originTask ?? "-") \(overrides) "
                    + "\(r.binary ?? "-") \(r.error ?? "-")")
    }
    for id in [run.id, spin.id] {
        for t in try store.tasks(flow: "F", run: id) {
            seen.append("task \(t.pathspec) \(t.status) \(t.attempt) \(t.parents) \(t.foreachCount ?? -1) "
                        + "\(t.parametersRead ?? []) \(t.origin?.description ?? "-") \(t.error ?? "-")")
            for a in try store.artifacts(of: t.pathspec) {
                seen.append("  \(a.name) \(a.type) \(a.size) \(a.isOwn) \(a.summary) = \(try store.load(a))")
            }
        }
    }
    for log in try store.logs(task: start.pathspec) {
        seen.append("log \(log.attempt) \(log.stdout.debugDescription) \(log.stderr.debugDescription) \(log.truncated)")
    }
    seen.append("flows \(try store.flows())")
    seen.append("graph \(try store.graph(flow: "F", run: run.id))")
    seen.append("latest \(try store.latestRun(flow: "F", successful: false)?.id.description ?? "-")")
    let report = try store.collectGarbage(spinsOlderThan: -1, grace: 0)
    seen.append("gc \(report.spins) \(try store.runs(flow: "F", spins: true).count)")
    return seen
}

@Suite("PostgreSQL metadata")
struct PostgresStoreTests {
    @Test("every store operation answers on PostgreSQL exactly as on SQLite")
    func sameAnswers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-pg-\(UUID().uuidString)")
        let sqlite = try Store.open(at: dir.appendingPathComponent("a/.spindle"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
        let postgres = Store(root: dir.appendingPathComponent("b"),
                             blobs: try FileBlobStore(directory: dir.appendingPathComponent("b/blobs")),
                             metadata: try PostgresMetadata(url: try freshDatabaseURL()))
        let expected = try exercise(sqlite)
        let got = try exercise(postgres)
        #expect(expected.count > 12)
        for (e, g) in zip(expected, got) { #expect(g == e) }
        #expect(got.count == expected.count)
    }

    @Test("runs started at once from many connections get distinct, consecutive numbers")
    func concurrentNumbers() throws {
        let url = try freshDatabaseURL()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try PostgresMetadata(url: url)
        let ids = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { i in
            do {
                let store = Store(root: dir, blobs: try FileBlobStore(directory: dir.appendingPathComponent("blobs")),
                                  metadata: try PostgresMetadata(url: url, checkSchema: false))
                for _ in 0..<5 {
                    let run = try store.createRun(.init(flow: "F", isSpin: i % 2 == 0))
                    ids.withLock { $0.append(run.id.description) }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let all = ids.withLock { $0 }
        #expect(Set(all).count == 60)
        #expect(Set(all.filter { !$0.hasPrefix("spin") }) == Set((1...30).map(String.init)))
        #expect(Set(all.filter { $0.hasPrefix("spin") }) == Set((1...30).map { "spin-\($0)" }))
    }

    @Test("a second user finds the tables made; a newer schema is refused with advice")
    func schema() throws {
        let url = try freshDatabaseURL()
        _ = try PostgresMetadata(url: url)
        let again = try PostgresMetadata(url: url)
        #expect(try again.read { try $0.fetchOne(sql: "SELECT version FROM spindle_schema")?["version"] }
                == .integer(Int64(Store.schemaVersion)))
        try again.write { try $0.execute(sql: "UPDATE spindle_schema SET version = 99") }
        #expect {
            _ = try PostgresMetadata(url: url)
        } throws: { error in
            "\(error)".contains("newer") && "\(error)".contains("99")
        }
    }

    @Test("values keep every bit: 64-bit integers, doubles, bytes with zeros, text")
    func binaryValues() throws {
        let db = try PostgresMetadata(url: try freshDatabaseURL(), checkSchema: false)
        let values: [SQLValue] = [.integer(.max), .integer(.min), .real(.pi), .real(-0.0), .real(.infinity),
                                  .blob([0, 255, 0, 1]), .blob([]), .text("ünï \u{1F600}"), .text(""), .null]
        try db.write { try $0.execute(sql: "CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, b BYTEA, t TEXT)") }
        for v in values {
            let row: [SQLValue] = switch v {
            case .integer: [v, .null, .null, .null]
            case .real: [.null, v, .null, .null]
            case .blob: [.null, .null, v, .null]
            case .text: [.null, .null, .null, v]
            case .null: [.null, .null, .null, .null]
            }
            try db.write { try $0.execute(sql: "INSERT INTO v VALUES (?, ?, ?, ?)", arguments: row) }
        }
        let rows = try db.read { try $0.fetchAll(sql: "SELECT * FROM v", arguments: []) }
        let back = rows.map { $0.values.first { !$0.isNull } ?? .null }
        #expect(back.count == values.count)
        for (b, v) in zip(back, values) {
            if case .real(let x) = v, case .real(let y) = b { #expect(x.bitPattern == y.bitPattern) } else { #expect(b == v) }
        }
    }

    @Test("a damaged row is named, as on SQLite")
    func damagedRow() throws {
        let store = Store(root: FileManager.default.temporaryDirectory, blobs: try FileBlobStore(directory:
                          FileManager.default.temporaryDirectory.appendingPathComponent("spindle-pg-\(UUID().uuidString)")),
                          metadata: try PostgresMetadata(url: try freshDatabaseURL()))
        let run = try store.createRun(.init(flow: "F"))
        try store.write { try $0.execute(sql: "UPDATE runs SET status = 'sideways'") }
        #expect(throws: StoreError.corruptRow(table: "runs", row: "F/\(run.id)", column: "status",
                                              reason: "holds 'sideways', not a run status")) {
            try store.run(flow: "F", id: run.id)
        }
    }

    @Test("bad URLs and unreachable servers are clear errors; a password in the URL is refused")
    func badConnections() throws {
        let cases: [(String, String)] = [
            ("postgres://spindle:hunter2@127.0.0.1/spindle", "carries a password; put it in PGPASSWORD or ~/.pgpass"),
            ("mysql://127.0.0.1/x", "is not a postgres:// URL"),
            ("postgres://spindle@127.0.0.1:1/spindle", "cannot connect to PostgreSQL at postgres://spindle@127.0.0.1:1/spindle"),
        ]
        for (url, message) in cases {
            #expect {
                _ = try PostgresMetadata(url: url)
            } throws: { error in
                "\(error)".contains(message) && !"\(error)".contains("hunter2")
            }
        }
    }
}
