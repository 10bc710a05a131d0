import Foundation
import Testing
@testable import SpindleStore
import SpindleValue

/// A row damaged outside Spindle is a typed error naming the table, the row
/// and the column: never a default that hides it, never a crash.
@Suite("Damaged rows")
struct CorruptRowTests {
    @Test("each damaged column is named", arguments: [
        ("UPDATE runs SET status = 'exploded'", "the store's runs row F/1 is damaged: its column status holds 'exploded', not a run status"),
        ("UPDATE runs SET parameters = x'00ff'", "the store's runs row F/1 is damaged: its column parameters does not decode"),
        ("UPDATE runs SET origin = 'no such id'", "the store's runs row F/1 is damaged: its column origin holds 'no such id', not a run id"),
        ("UPDATE runs SET started = 'yesterday'", "the store's runs row F/1 is damaged: its column started holds"),
        ("UPDATE tasks SET status = 'sideways'", "the store's tasks row F/1/1 is damaged: its column status holds 'sideways', not a task status"),
        ("UPDATE tasks SET parents = 'F/1/../x'", "the store's tasks row F/1/1 is damaged: its column parents holds 'F/1/../x', not a pathspec"),
        ("UPDATE tasks SET splits = 'garbage'", "the store's tasks row F/1/1 is damaged: its column splits holds 'garbage', not step:index:count frames"),
        ("UPDATE artifacts SET size = 'big'", "the store's artifacts row F/1/start/1/a is damaged: its column size holds"),
    ])
    func named(damage: String, message: String) throws {
        let (store, _) = try temporaryStore()
        let (_, task) = try seedRun(store, artifacts: [("a", .int(1))])
        try store.write { db in try db.execute(sql: damage) }
        let error = #expect(throws: StoreError.self) {
            _ = try store.run(flow: "F", id: .number(1))
            _ = try store.runs(flow: "F")
            _ = try store.tasks(flow: "F", run: .number(1))
            _ = try store.task(task)
            _ = try store.artifacts(of: task)
        }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "no error")")
    }
}
