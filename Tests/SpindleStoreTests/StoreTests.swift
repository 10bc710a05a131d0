import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// A fresh store in a temporary directory.
func temporaryStore() throws -> (Store, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-store-\(UUID().uuidString)")
    let root = dir.appendingPathComponent(".spindle")
    return (try Store.open(at: root), root)
}

/// A completed run with one task holding `artifacts`.
func seedRun(_ store: Store, flow: String = "F", artifacts: [(String, Value)], tags: [String] = [],
             spin: Bool = false) throws -> (RunRecord, Pathspec) {
    let run = try store.createRun(.init(flow: flow, isSpin: spin, parameters: ["n": 3], tags: tags))
    let task = TaskRecord(flow: flow, run: run.id, step: "start", id: 1)
    try store.startTask(task)
    let records = try artifacts.map { try store.saveArtifact($0.0, $0.1, task: task.pathspec) }
    try store.completeTask(task.pathspec, artifacts: records)
    try store.finishRun(flow: flow, id: run.id, status: .completed)
    return (try store.run(flow: flow, id: run.id), task.pathspec)
}

@Suite("Store")
struct StoreTests {
    @Test("a run, its task and its artifacts round-trip; listings read no blob")
    func roundTrip() throws {
        let (store, _) = try temporaryStore()
        let weights = Value.numeric(NumericArray((0..<1000).map { Double($0) / 7 }))
        let (run, task) = try seedRun(store, artifacts: [("weights", weights), ("name", "hello")])
        #expect(run.id == .number(1))
        #expect(run.status == .completed)
        #expect(run.parameters == ["n": 3])
        let arts = try store.artifacts(of: task)
        #expect(arts.map(\.name) == ["name", "weights"])
        #expect(arts[1].type == "[Double]")
        #expect(arts[1].summary.hasPrefix("[Double] 1 000 · min 0"))
        // Remove the blobs: metadata still lists, loading says what is missing.
        for a in arts { try store.blobs.remove(a.hash) }
        #expect(try store.artifacts(of: task).count == 2)
        let error = #expect(throws: StoreError.self) { try store.load(arts[1]) }
        #expect(error?.description.hasPrefix("missing artifact data for F/1/start/1/weights: blob") == true)
    }

    @Test("values load back equal")
    func load() throws {
        let (store, _) = try temporaryStore()
        let v: Value = ["a": [1, 2.5, "x"], "b": .numeric(try NumericArray([1, 2, 3, 4], shape: [2, 2]))]
        let (_, task) = try seedRun(store, artifacts: [("v", v)])
        #expect(try store.load(try store.artifacts(of: task)[0]) == v)
    }

    @Test("the same bytes are stored once")
    func dedup() throws {
        let (store, _) = try temporaryStore()
        let big = Value.numeric(NumericArray((0..<10_000).map { Double($0) }))
        _ = try seedRun(store, artifacts: [("a", big), ("b", big)])
        _ = try seedRun(store, artifacts: [("c", big)])
        #expect(try store.blobs.allHashes().count == 1)
    }

    @Test("a flipped byte in a blob is an error naming the artifact, never a wrong value")
    func corruptBlob() throws {
        let (store, root) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("model", ["w": [1.0, 2.0]])])
        let a = try store.artifacts(of: task)[0]
        let path = root.appendingPathComponent("blobs/\(a.hash.prefix(2))/\(a.hash.dropFirst(2))").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try store.load(a) }
        #expect(error?.description == "corrupt artifact F/1/start/1/model: blob \(a.hash.prefix(12))… does not match its hash; the file was damaged")
    }

    @Test("a damaged database is a clear error, not a crash")
    func damagedDatabase() throws {
        let (_, root) = try temporaryStore()
        let db = root.appendingPathComponent("meta.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: db)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("meta.sqlite-wal"))
        try? FileManager.default.removeItem(at: root.appendingPathComponent("meta.sqlite-shm"))
        let error = #expect(throws: StoreError.self) { try Store.open(at: root, create: false) }
        #expect(error?.description.hasPrefix("cannot open the store database \(db.path):") == true)
    }

    @Test("a store from a newer Spindle is refused with advice")
    func newerSchema() throws {
        let (store, root) = try temporaryStore()
        try store.write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        let error = #expect(throws: StoreError.self) { try Store.open(at: root, create: false) }
        #expect(error == .newerSchema(found: 99, supported: Store.schemaVersion))
    }

    @Test("runs list newest first, filter by status and tag, and leave spins out")
    func listing() throws {
        let (store, _) = try temporaryStore()
        _ = try seedRun(store, artifacts: [], tags: ["nightly"])
        _ = try seedRun(store, artifacts: [])
        _ = try seedRun(store, artifacts: [], spin: true)
        let failed = try store.createRun(.init(flow: "F"))
        try store.finishRun(flow: "F", id: failed.id, status: .failed, error: "boom")
        #expect(try store.runs(flow: "F").map(\.id) == [.number(3), .number(2), .number(1)])
        #expect(try store.runs(flow: "F", status: .completed).map(\.id) == [.number(2), .number(1)])
        #expect(try store.runs(flow: "F", tag: "nightly").map(\.id) == [.number(1)])
        #expect(try store.runs(flow: "F", spins: true).map(\.id) == [.spin(1)])
        #expect(try store.run(flow: "F", id: .latest).id == .number(2))
        #expect(try store.run(flow: "F", id: .number(3)).error == "boom")
        #expect(try store.flows() == ["F"])
        let error = #expect(throws: StoreError.self) { try store.run(flow: "FF", id: .latest) }
        #expect(error?.description == "no flow 'FF' in this store; did you mean F?")
    }

    @Test("the store is found by walking up")
    func location() throws {
        let (_, root) = try temporaryStore()
        let deep = root.deletingLastPathComponent().appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        #expect(try StoreLocation.nearest(from: deep, creating: false).path == root.path)
        let lonely = FileManager.default.temporaryDirectory.appendingPathComponent("nostore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: lonely, withIntermediateDirectories: true)
        #expect(throws: StoreError.self) { try StoreLocation.nearest(from: lonely, creating: false) }
    }

    @Test("a cloned task points at the same blobs and names its origin")
    func clone() throws {
        let (store, _) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("x", 42)])
        let source = try store.task(task)
        let run2 = try store.createRun(.init(flow: "F"))
        try store.cloneTask(source, into: run2.id, id: 1, parents: [])
        let cloned = try store.task(Pathspec(flow: "F", run: run2.id, step: "start", task: 1))
        #expect(cloned.status == .completed)
        #expect(cloned.origin == task)
        #expect(try store.artifacts(of: cloned.pathspec).map(\.hash) == store.artifacts(of: task).map(\.hash))
        #expect(try store.integrityCheck() == ["ok"])
    }
}
