import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// The fork server's warm-up reads its sample through SQLite's C API
/// (``SQLiteReader``) rather than GRDB: the same rows, nothing written, and
/// nothing left open or changed once it closes.
@Suite("Reading the store without GRDB")
struct SQLiteReaderTests {
    @Test("a reader gives the same runs, tasks and artifacts as the store's own connection, NULLs and numbers included")
    func sameRows() throws {
        let (store, root) = try temporaryStore()
        let (run, task) = try seedRun(store, artifacts: [("kept", "as it was"), ("other", "ünïcode")])
        let reader = try Store.open(at: root, create: false, database: .readingOnly)
        #expect(reader.metadata is SQLiteReader)
        #expect(try reader.runs(flow: run.flow) == store.runs(flow: run.flow))
        #expect(try reader.tasks(flow: run.flow, run: run.id) == store.tasks(flow: run.flow, run: run.id))
        #expect(try reader.task(task) == store.task(task))
        #expect(try reader.artifacts(of: task) == store.artifacts(of: task))
        #expect(try reader.artifacts(of: task).count == 2)
        #expect(try reader.integrityCheck() == ["ok"])
        // Bound arguments of every kind reach SQLite as they are.
        let rows = try reader.read { db in
            try db.fetchAll(sql: "SELECT ? AS i, ? AS r, ? AS t, ? AS b, ? AS n",
                            arguments: [.integer(-7), .real(2.5), .text("é"), .blob([0, 255]), .null])
        }
        #expect(rows.first?.values == [.integer(-7), .real(2.5), .text("é"), .blob([0, 255]), .null])
        #expect(rows.first?.columns == ["i", "r", "t", "b", "n"])
    }

    @Test("a reader refuses writes and, once closed, reads; the store is unchanged and still writable")
    func readsOnly() throws {
        let (store, root) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("kept", "as it was")])
        let reader = try Store.open(at: root, create: false, database: .readingOnly)
        #expect(throws: StoreError.self) { try reader.failTask(task, error: "must not land") }
        #expect(throws: StoreError.self) { try reader.read { db in try db.execute(sql: "DELETE FROM artifacts", arguments: []) } }
        try reader.close()
        #expect(throws: StoreError.self) { try reader.artifacts(of: task) }
        #expect(try store.task(task).error == nil)
        #expect(try store.artifacts(of: task).map(\.name) == ["kept"])
        try store.failTask(task, error: "the store's own connection still writes")
        #expect(try store.task(task).status == .failed)
    }

    @Test("a reader closes whole: the descriptors it opened are gone after close; one statement a call")
    func closesWhole() throws {
        let (store, root) = try temporaryStore()
        _ = try seedRun(store, artifacts: [("kept", "as it was")])
        func databaseFiles() -> Int {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return fds.filter { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(root.path) == true
            }.count
        }
        // SQLite keeps a closed connection's file open while another connection of the process
        // holds locks on it; in the fork server the reader is the only one.
        try store.close()
        let before = databaseFiles()
        let reader = try Store.open(at: root, create: false, database: .readingOnly)
        _ = try reader.runs(flow: "F")
        #expect(databaseFiles() > before)
        #expect(throws: StoreError.self) {
            try reader.read { db in try db.fetchAll(sql: "SELECT 1; SELECT 2", arguments: []) }
        }
        try reader.close()
        #expect(databaseFiles() == before)
        #expect(before == 0)
    }

    @Test("a reader of a folder that is not a store says so")
    func notAStore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: StoreError.self) { try Store.open(at: folder, create: false, database: .readingOnly) }
        #expect(throws: StoreError.self) { try SQLiteReader(path: folder.appendingPathComponent("meta.sqlite").path) }
    }
}
