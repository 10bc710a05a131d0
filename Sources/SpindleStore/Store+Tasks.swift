import Foundation
import GRDB
import SpindleValue

extension Store {
    /// Records a task as it starts (or a new attempt of it).
    public func startTask(_ task: TaskRecord) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO tasks (flow, run, id, step, status, attempt, parents, splits, fingerprint, origin, started)
                VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (flow, run, id) DO UPDATE SET status = 'running', attempt = excluded.attempt,
                    started = excluded.started, ended = NULL, error = NULL
                """, arguments: [task.flow, task.run.description, task.id, task.step, task.attempt,
                                 task.parents.map(\.description).joined(separator: " "),
                                 SplitFrame.render(task.splits), task.inputFingerprint,
                                 task.origin?.description, task.started.timeIntervalSince1970])
        }
    }

    /// Records a task as completed with its artifacts (own and carried over),
    /// in one transaction: a reader sees all of them or none. `parametersRead`
    /// names the run parameters its body read (what resume compares).
    public func completeTask(_ task: Pathspec, artifacts: [ArtifactRecord], foreachCount: Int? = nil,
                             parametersRead: [String]? = nil) throws {
        try write { db in
            let (flow, run, id) = try Store.taskKey(task)
            try db.execute(sql: "DELETE FROM artifacts WHERE flow = ? AND run = ? AND task = ?", arguments: [flow, run, id])
            for a in artifacts {
                try db.execute(sql: """
                    INSERT INTO artifacts (flow, run, task, name, hash, type, size, summary, own)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [flow, run, id, a.name, a.hash, a.type, a.size, a.summary, a.isOwn])
            }
            try db.execute(sql: "UPDATE tasks SET status = 'completed', ended = ?, error = NULL, foreach_count = ?, reads = ? WHERE flow = ? AND run = ? AND id = ?",
                           arguments: [Date().timeIntervalSince1970, foreachCount,
                                       parametersRead.map { $0.sorted().joined(separator: " ") }, flow, run, id])
        }
    }

    /// Records a task (its latest attempt) as failed, and why.
    public func failTask(_ task: Pathspec, error: String) throws {
        try write { db in
            let (flow, run, id) = try Store.taskKey(task)
            try db.execute(sql: "UPDATE tasks SET status = 'failed', ended = ?, error = ? WHERE flow = ? AND run = ? AND id = ?",
                           arguments: [Date().timeIntervalSince1970, error, flow, run, id])
        }
    }

    /// Copies a completed task into another run as already done: the task row
    /// points at its origin and its artifact rows at the same blobs (no bytes copied).
    public func cloneTask(_ source: TaskRecord, into run: RunID, id: Int, parents: [Pathspec]) throws {
        try write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO tasks (flow, run, id, step, status, attempt, parents, splits, fingerprint, origin,
                                   foreach_count, started, ended, reads)
                VALUES (?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [source.flow, run.description, id, source.step, source.attempt,
                                 parents.map(\.description).joined(separator: " "), SplitFrame.render(source.splits),
                                 source.inputFingerprint, source.pathspec.description, source.foreachCount, now, now,
                                 source.parametersRead.map { $0.joined(separator: " ") }])
            try db.execute(sql: """
                INSERT INTO artifacts (flow, run, task, name, hash, type, size, summary, own)
                SELECT flow, ?, ?, name, hash, type, size, summary, own FROM artifacts
                WHERE flow = ? AND run = ? AND task = ?
                """, arguments: [run.description, id, source.flow, source.run.description, source.id])
        }
    }

    /// The tasks of a run, by id; only those of `step` when given.
    public func tasks(flow: String, run: RunID, step: String? = nil) throws -> [TaskRecord] {
        try read { db in
            var sql = "SELECT * FROM tasks WHERE flow = ? AND run = ?"
            var args: [any DatabaseValueConvertible] = [flow, run.description]
            if let step { sql += " AND step = ?"; args.append(step) }
            sql += " ORDER BY id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(Store.taskRecord)
        }
    }

    /// The task a pathspec names (`Flow/run/step/task`).
    public func task(_ spec: Pathspec) throws -> TaskRecord {
        let (flow, run, id) = try Store.taskKey(spec)
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE flow = ? AND run = ? AND id = ?", arguments: [flow, run, id])
        }
        guard let row else { throw StoreError.noSuch("task \(spec)", suggestion: nil) }
        let t = Store.taskRecord(row)
        if let step = spec.step, step != t.step {
            throw StoreError.noSuch("task \(spec): task \(id) of that run is a task of step '\(t.step)'", suggestion: nil)
        }
        return t
    }

    static func taskKey(_ spec: Pathspec) throws -> (String, String, Int) {
        guard let run = spec.run, run != .latest, let id = spec.task else {
            throw StoreError.noSuch("task named by '\(spec)': a task pathspec is Flow/run/step/task", suggestion: nil)
        }
        return (spec.flow, run.description, id)
    }

    static func taskRecord(_ row: Row) -> TaskRecord {
        let parents: String = row["parents"]
        let splits: String = row["splits"]
        let origin: String? = row["origin"]
        let ended: Double? = row["ended"]
        let run: String = row["run"]
        let reads: String? = row["reads"]
        return TaskRecord(
            flow: row["flow"], run: RunID(run) ?? .number(0), step: row["step"], id: row["id"],
            status: TaskStatus(rawValue: row["status"]) ?? .failed, attempt: row["attempt"],
            parents: parents.split(separator: " ").compactMap { try? Pathspec(parsing: String($0)) },
            splits: SplitFrame.parse(splits), inputFingerprint: row["fingerprint"],
            origin: origin.flatMap { try? Pathspec(parsing: $0) }, foreachCount: row["foreach_count"],
            started: Date(timeIntervalSince1970: row["started"]), ended: ended.map { Date(timeIntervalSince1970: $0) },
            error: row["error"], parametersRead: reads.map { $0.split(separator: " ").map(String.init) })
    }

    /// Saves the captured output of one attempt, cut to the last `limit` bytes of each stream.
    /// A first attempt that printed nothing leaves no row: a silent task costs
    /// its runtime one write fewer. Retries are always recorded, so that the
    /// attempts of a retried task read in order.
    public func saveLog(task: Pathspec, attempt: Int, stdout: String, stderr: String, truncated: Bool) throws {
        if attempt == 0 && stdout.isEmpty && stderr.isEmpty && !truncated { return }
        try write { db in
            let (flow, run, id) = try Store.taskKey(task)
            try db.execute(sql: """
                INSERT OR REPLACE INTO logs (flow, run, task, attempt, stdout, stderr, truncated) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [flow, run, id, attempt, stdout, stderr, truncated])
        }
    }

    /// The captured output of each recorded attempt of a task, first attempt first
    /// (a silent first attempt has none).
    public func logs(task spec: Pathspec) throws -> [TaskLog] {
        let (flow, run, id) = try Store.taskKey(spec)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM logs WHERE flow = ? AND run = ? AND task = ? ORDER BY attempt",
                             arguments: [flow, run, id]).map {
                TaskLog(attempt: $0["attempt"], stdout: $0["stdout"], stderr: $0["stderr"], truncated: $0["truncated"])
            }
        }
    }
}
