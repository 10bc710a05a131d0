import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// A runtime commits what a task handed over together with the start of the
/// tasks that follow (``Store/commit(completing:starting:)``), and plans them
/// from the rows before they are committed (``TaskCompletion/rowsAsStored``).
@Suite("A completion committed with the next starts")
struct CompletionCommitTests {
    @Test("one commit records the completion (its rows, its log, a NUL in it too) and the starts, as completeTask and startTask would; the rows planned from are the rows read back")
    func sameAsTwoCommits() throws {
        let (store, run, first) = try runningStart()
        let task = first.pathspec
        // Own and carried-over rows, out of the order the store reads them in.
        var carried = try store.saveArtifact("b_carried", .string("from a parent"), task: task)
        carried.isOwn = false
        let rows = [try store.saveArtifact("z_own", .int(1), task: task), carried, try store.saveArtifact("a_own", .double(2.5), task: task)]
        let log = TaskLog(attempt: 0, stdout: "said\n", stderr: "a NUL \u{0} inside, and after it", truncated: false)
        let completion = TaskCompletion(task: task, artifacts: rows, foreachCount: 3, parametersRead: ["n"], log: log)
        let next = [TaskRecord(flow: "F", run: run.id, step: "work", id: 2, parents: [task], splits: [SplitFrame(step: "start", index: 0, count: 3)]),
                    TaskRecord(flow: "F", run: run.id, step: "work", id: 3, parents: [task], splits: [SplitFrame(step: "start", index: 1, count: 3)])]

        try store.commit(completing: [completion], starting: next)

        let done = try store.task(task)
        #expect(done.status == .completed)
        #expect(done.foreachCount == 3)
        #expect(done.parametersRead == ["n"])
        #expect(try store.logs(task: task) == [log])
        #expect(try store.artifacts(of: task) == completion.rowsAsStored)
        #expect(completion.rowsAsStored.map(\.name) == ["a_own", "z_own", "b_carried"])
        for record in next {
            let started = try store.task(record.pathspec)
            #expect(started.status == .running)
            #expect(started.parents == [task])
            #expect(started.splits == record.splits)
        }
    }

    @Test("a commit that fails leaves neither the completion nor the starts")
    func allOrNothing() throws {
        let (store, run, first) = try runningStart()
        let row = try store.saveArtifact("x", .int(1), task: first.pathspec)
        // Two rows of one name for one task: the artifacts' primary key refuses the second.
        let broken = TaskCompletion(task: first.pathspec, artifacts: [row, row], foreachCount: nil, parametersRead: nil, log: nil)
        let next = TaskRecord(flow: "F", run: run.id, step: "end", id: 2, parents: [first.pathspec])
        #expect(throws: (any Error).self) { try store.commit(completing: [broken], starting: [next]) }
        #expect(try store.task(first.pathspec).status == .running)
        #expect(try store.artifacts(of: first.pathspec).isEmpty)
        #expect(throws: (any Error).self) { try store.task(next.pathspec) }
    }

    /// A store with a run whose `start` task is recorded as running.
    private func runningStart() throws -> (Store, RunRecord, TaskRecord) {
        let (store, _) = try temporaryStore()
        let run = try store.createRun(.init(flow: "F", isSpin: false, parameters: [:], tags: []))
        let first = TaskRecord(flow: "F", run: run.id, step: "start", id: 1)
        try store.startTask(first)
        return (store, run, first)
    }
}
