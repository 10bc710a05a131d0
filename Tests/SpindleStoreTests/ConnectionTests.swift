import CSQLite
import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// How the store's database connection behaves at open, under a lock and at close.
@Suite("Store connection")
struct ConnectionTests {
    @Test("a store left by a process that did not checkpoint opens with everything it committed")
    func walKeptAtClose() throws {
        let (first, root) = try temporaryStore()
        let (run, task) = try seedRun(first, artifacts: [("x", 42)])
        let wal = root.appendingPathComponent("meta.sqlite-wal").path
        // The last connection closes without folding the WAL into the database…
        #expect(FileManager.default.fileExists(atPath: wal))
        _ = consume first
        #expect(FileManager.default.fileExists(atPath: wal))
        let size = (try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(size > 0)
        // …and the next one rebuilds its view from the WAL.
        let second = try Store.open(at: root, create: false)
        #expect(try second.run(flow: "F", id: run.id).status == .completed)
        #expect(try second.load(try second.artifacts(of: task)[0]) == 42)
        #expect(try second.integrityCheck() == ["ok"])
    }

    @Test("a writer waits for another connection's lock in short steps, and gives up after 30 s")
    func busyWaitSchedule() {
        #expect(BusyWait.delay(afterTries: 0) == 50e-6)
        #expect(BusyWait.delay(afterTries: 1) == 100e-6)
        #expect(BusyWait.delay(afterTries: 40) == 2e-3)
        #expect(BusyWait.waited(beforeTry: 0) == 0)
        #expect(abs(BusyWait.waited(beforeTry: 2) - 150e-6) < 1e-12)
        // Never decreasing, and past the limit the next try is refused without sleeping.
        let totals = (0..<20_000).map { BusyWait.waited(beforeTry: $0) }
        #expect(zip(totals, totals.dropFirst()).allSatisfy { $0 <= $1 })
        let last = totals.firstIndex { $0 >= BusyWait.limit }!
        #expect(BusyWait.retry(last) == false)
        #expect(abs(totals[last] - BusyWait.limit) < 0.01)
    }

    @Test("a write waits for a write another connection holds, instead of failing as locked")
    func writeWaitsForLock() throws {
        let (store, root) = try temporaryStore()
        let other = try Store.open(at: root, create: false)
        let held = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? other.write { db in
                try db.execute(sql: "UPDATE runs SET status = status")
                held.signal()
                usleep(30_000)
            }
        }
        holder.start()
        held.wait()
        let run = try store.createRun(.init(flow: "F", isSpin: false, parameters: [:]))
        #expect(try store.run(flow: "F", id: run.id).status == .running)
    }

    /// The size of the store's database file (not its WAL).
    static func databaseSize(_ root: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("meta.sqlite").path)[.size] as? Int) ?? 0
    }

    /// Commits about 2 MB of logs to `store`.
    static func writeLogs(_ store: Store, task: Pathspec) throws {
        let text = String(repeating: "a line of output\n", count: 6_000)
        for attempt in 0..<20 { try store.saveLog(task: task, attempt: attempt, stdout: text, stderr: "", truncated: false) }
    }

    @Test("a commit that leaves the WAL long folds it into the database on another thread")
    func foldsInBackground() async throws {
        let (store, root) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("x", 1)])
        let before = Self.databaseSize(root)
        try Self.writeLogs(store, task: task)
        var waited = 0
        // Up to a minute: on a loaded machine the folding thread (and this async test)
        // can wait seconds for a core; the loop ends as soon as the fold is seen.
        while Self.databaseSize(root) < before + 1_000_000 && waited < 1_200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(Self.databaseSize(root) >= before + 1_000_000)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test("a task process's connection leaves folding to others")
    func taskConnectionDoesNotFold() async throws {
        let (first, root) = try temporaryStore()
        let (_, task) = try seedRun(first, artifacts: [("x", 1)])
        _ = consume first
        let store = try Store.open(at: root, create: false, checkpoints: false)
        let before = Self.databaseSize(root)
        try Self.writeLogs(store, task: task)
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.databaseSize(root) < before + 1_000_000)
        #expect(try store.logs(task: task).count == 20)
    }

    @Test("a silent first attempt records no log row; a retry always does")
    func silentAttempts() throws {
        let (store, _) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("x", 1)])
        try store.saveLog(task: task, attempt: 0, stdout: "", stderr: "", truncated: false)
        #expect(try store.logs(task: task).isEmpty)
        try store.saveLog(task: task, attempt: 1, stdout: "", stderr: "", truncated: false)
        try store.saveLog(task: task, attempt: 2, stdout: "hello\n", stderr: "", truncated: false)
        #expect(try store.logs(task: task).map(\.attempt) == [1, 2])
    }
}

@Suite("Emptying a long WAL")
struct LongWALTests {
    /// Writes about `megabytes` of WAL through a second connection that folds nothing itself.
    func grow(_ path: String, megabytes: Int) throws {
        var db: OpaquePointer?
        #expect(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        defer { sqlite3_close(db) }
        _ = spindle_sqlite3_no_checkpoint_on_close(db)
        #expect(sqlite3_exec(db, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE IF NOT EXISTS filler (b BLOB)", nil, nil, nil) == SQLITE_OK)
        for _ in 0..<megabytes * 4 {
            #expect(sqlite3_exec(db, "INSERT INTO filler VALUES (randomblob(250000))", nil, nil, nil) == SQLITE_OK)
        }
    }

    func walSize(_ path: String) -> Int {
        var s = stat()
        return stat(path + "-wal", &s) == 0 ? Int(s.st_size) : -1
    }

    @Test("a long WAL is folded and truncated at a command's end; a short one, or a store someone is reading, is left alone at once")
    func empties() throws {
        let (store, root) = try temporaryStore()
        let path = root.appendingPathComponent("meta.sqlite").path
        _ = try seedRun(store, artifacts: [("x", 1)])
        // Short: nothing happens.
        #expect(JournalFolding.empty(path) == false)
        try grow(path, megabytes: 6)
        #expect(walSize(path) > JournalFolding.longWAL)
        // Someone mid-read: it gives up without waiting, and nothing is lost.
        var reader: OpaquePointer?
        #expect(sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        #expect(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM filler", nil, nil, nil) == SQLITE_OK)
        #expect(JournalFolding.empty(path) == false)
        #expect(walSize(path) > JournalFolding.longWAL)
        #expect(sqlite3_exec(reader, "COMMIT", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(reader)
        // Idle (the store's own connection open but not reading): folded and truncated.
        #expect(JournalFolding.empty(path))
        #expect(walSize(path) == 0)
        #expect(try store.runs(flow: "F").count == 1)
        #expect(try store.integrityCheck() == ["ok"])
        store.settle()  // a short WAL again: nothing to do
        #expect(walSize(path) == 0)
    }
}
