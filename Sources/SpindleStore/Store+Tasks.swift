import Foundation
import SpindleValue

extension Store {
    /// Records a task as it starts (or a new attempt of it).
    public func startTask(_ task: TaskRecord) throws {
        try write { db in try Store.start(db, task) }
    }

    static func start(_ db: any MetadataConnection, _ task: TaskRecord) throws {
        try db.execute(sql: """
            INSERT INTO tasks (flow, run, id, step, status, attempt, parents, splits, fingerprint, origin, started)
            VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
            ON CONFLICT (flow, run, id) DO UPDATE SET status = 'running', attempt = excluded.attempt,
                started = excluded.started, ended = NULL, error = NULL, engine = NULL, job = NULL, node = NULL
            """, task.flow, task.run.description, task.id, task.step, task.attempt,
                       task.parents.map(\.description).joined(separator: " "),
                       SplitFrame.render(task.splits), task.inputFingerprint,
                       task.origin?.description, task.started.timeIntervalSince1970)
    }

    /// Commits, in one transaction, the tasks that completed (``completeTask(_:artifacts:foreachCount:parametersRead:log:reading:)``)
    /// and the start of those that follow them (``startTask(_:)``): a runtime that commits what its
    /// tasks hand over pays one commit a task, not two (each a lock, its pages written to the WAL,
    /// and a wait for both in the scheduler's path).
    public func commit(completing: [TaskCompletion], starting: [TaskRecord]) throws {
        if completing.isEmpty && starting.isEmpty { return }
        try write { db in
            for c in completing {
                try Store.complete(db, c.task, artifacts: c.artifacts, foreachCount: c.foreachCount,
                                   parametersRead: c.parametersRead, log: c.log)
            }
            for t in starting { try Store.start(db, t) }
        }
    }

    /// Records a task as completed with its artifacts (own and carried over),
    /// in one transaction: a reader sees all of them or none. `parametersRead`
    /// names the run parameters its body read (what resume compares). `log`,
    /// the attempt's output, is kept in the same transaction (a runtime
    /// committing what its task handed over: one commit, not two). With
    /// `reading`, returns the task's row as committed, read in that
    /// transaction (the runtime plans from it); nil otherwise.
    @discardableResult
    public func completeTask(_ task: Pathspec, artifacts: [ArtifactRecord], foreachCount: Int? = nil,
                             parametersRead: [String]? = nil, log: TaskLog? = nil, reading: Bool = false) throws -> TaskRecord? {
        try write { db -> TaskRecord? in
            try Store.complete(db, task, artifacts: artifacts, foreachCount: foreachCount, parametersRead: parametersRead, log: log)
            // The row as committed, read in the same transaction.
            return reading ? try Store.task(task, in: db) : nil
        }
    }

    static func complete(_ db: any MetadataConnection, _ task: Pathspec, artifacts: [ArtifactRecord], foreachCount: Int?,
                         parametersRead: [String]?, log: TaskLog?) throws {
        let (flow, run, id) = try Store.taskKey(task)
        try db.execute(sql: "DELETE FROM artifacts WHERE flow = ? AND run = ? AND task = ?", flow, run, id)
        // Many rows a statement: one round trip, not one per artifact, to a shared store's database.
        for chunk in stride(from: 0, to: artifacts.count, by: 200).map({ artifacts[$0..<min($0 + 200, artifacts.count)] }) {
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try db.execute(sql: "INSERT INTO artifacts (flow, run, task, name, hash, type, size, summary, own) VALUES \(rows)",
                           arguments: chunk.flatMap { a -> [SQLValue] in
                               [.text(flow), .text(run), id.sqlValue, .text(a.name), .text(a.hash), .text(a.type),
                                a.size.sqlValue, .text(a.summary), a.isOwn.sqlValue]
                           })
        }
        try db.execute(sql: "UPDATE tasks SET status = 'completed', ended = ?, error = NULL, foreach_count = ?, reads = ? WHERE flow = ? AND run = ? AND id = ?",
                       Date().timeIntervalSince1970, foreachCount,
                       parametersRead.map { $0.sorted().joined(separator: " ") }, flow, run, id)
        if let log { try Store.saveLog(db, task: task, log) }
    }

    /// Records a new task, running, with the next free id of its run, and
    /// returns the id: for tasks an outside engine schedules, where no
    /// runtime hands out ids (two at once: one of them retries).
    public func startNewTask(flow: String, run: RunID, step: String, parents: [Pathspec], splits: [SplitFrame]) throws -> Int {
        try write { db in
            let last = try db.fetchOne(sql: "SELECT MAX(id) FROM tasks WHERE flow = ? AND run = ?", flow, run.description)
            let id = (last.flatMap { Int(sqlValue: $0[0]) } ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO tasks (flow, run, id, step, status, attempt, parents, splits, started)
                VALUES (?, ?, ?, ?, 'running', 0, ?, ?, ?)
                """, flow, run.description, id, step, parents.map(\.description).joined(separator: " "),
                           SplitFrame.render(splits), Date().timeIntervalSince1970)
            return id
        }
    }

    /// Records where an engine is running the task (its latest attempt).
    public func placeTask(_ task: Pathspec, _ placement: TaskPlacement) throws {
        try write { db in
            let (flow, run, id) = try Store.taskKey(task)
            try db.execute(sql: "UPDATE tasks SET engine = ?, job = ?, node = ? WHERE flow = ? AND run = ? AND id = ?",
                           placement.engine, placement.job, placement.node, flow, run, id)
        }
    }

    /// Records a task (its latest attempt) as failed, and why.
    public func failTask(_ task: Pathspec, error: String) throws {
        try write { db in
            let (flow, run, id) = try Store.taskKey(task)
            try db.execute(sql: "UPDATE tasks SET status = 'failed', ended = ?, error = ? WHERE flow = ? AND run = ? AND id = ?",
                           Date().timeIntervalSince1970, error, flow, run, id)
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
                """, source.flow, run.description, id, source.step, source.attempt,
                                 parents.map(\.description).joined(separator: " "), SplitFrame.render(source.splits),
                                 source.inputFingerprint, source.pathspec.description, source.foreachCount, now, now,
                                 source.parametersRead.map { $0.joined(separator: " ") })
            try db.execute(sql: """
                INSERT INTO artifacts (flow, run, task, name, hash, type, size, summary, own)
                SELECT flow, ?, ?, name, hash, type, size, summary, own FROM artifacts
                WHERE flow = ? AND run = ? AND task = ?
                """, run.description, id, source.flow, source.run.description, source.id)
        }
    }

    /// The tasks of a run, by id; only those of `step` when given.
    ///
    /// With `parents: false` the records come without their parents (an empty
    /// list): a listing of a wide run has no use for a join's 10 000 parent
    /// pathspecs, whose parsing was most of `show` of such a run.
    public func tasks(flow: String, run: RunID, step: String? = nil, parents: Bool = true) throws -> [TaskRecord] {
        try read { db in
            let columns = parents ? "*" : "flow, run, id, step, status, attempt, '' AS parents, splits, fingerprint, origin, foreach_count, started, ended, error, reads, engine, job, node"
            var sql = "SELECT \(columns) FROM tasks WHERE flow = ? AND run = ?"
            var args: [SQLValue] = [.text(flow), .text(run.description)]
            if let step { sql += " AND step = ?"; args.append(.text(step)) }
            sql += " ORDER BY id"
            var reader = RowReader(table: "tasks")
            return try db.fetchAll(sql: sql, arguments: args).map { try Store.taskRecord($0, &reader) }
        }
    }

    /// The task a pathspec names (`Flow/run/step/task`).
    public func task(_ spec: Pathspec) throws -> TaskRecord {
        try read { db in try Store.task(spec, in: db) }
    }

    /// The task a pathspec names, as `db` has it (in a transaction of the caller's).
    static func task(_ spec: Pathspec, in db: any MetadataConnection) throws -> TaskRecord {
        let (flow, run, id) = try Store.taskKey(spec)
        guard let row = try db.fetchOne(sql: "SELECT * FROM tasks WHERE flow = ? AND run = ? AND id = ?", flow, run, id) else {
            throw StoreError.noSuch("task \(spec)", suggestion: nil)
        }
        var reader = RowReader(table: "tasks")
        let t = try Store.taskRecord(row, &reader)
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

    /// A task record from a row of `tasks`, read by name; a damaged column is a typed error.
    static func taskRecord(_ row: MetadataRow, _ r: inout RowReader) throws -> TaskRecord {
        let flow: String = try r.required(row, "flow", key: "?")
        let runText: String = try r.required(row, "run", key: flow)
        let id: Int = try r.required(row, "id", key: "\(flow)/\(runText)")
        let key = "\(flow)/\(runText)/\(id)"
        func pathspec(_ text: String, _ column: String) throws -> Pathspec {
            do { return try Pathspec(parsing: text) } catch {
                throw StoreError.corruptRow(table: "tasks", row: key, column: column, reason: "holds '\(text.prefix(60))', not a pathspec")
            }
        }
        let parents: String = try r.required(row, "parents", key: key)
        let splitsText: String = try r.required(row, "splits", key: key)
        let splits = SplitFrame.parse(splitsText)
        if splits.count != splitsText.split(separator: ",").count {
            throw StoreError.corruptRow(table: "tasks", row: key, column: "splits", reason: "holds '\(splitsText.prefix(60))', not step:index:count frames")
        }
        let reads: String? = try r.optional(row, "reads", key: key)
        let engine: String? = try r.optional(row, "engine", key: key), job: String? = try r.optional(row, "job", key: key)
        let placement = try engine.flatMap { e in try job.map { TaskPlacement(engine: e, job: $0, node: try r.optional(row, "node", key: key)) } }
        return TaskRecord(
            flow: flow, run: try r.parsed(row, "run", key: key, what: "a run id", RunID.init),
            step: try r.required(row, "step", key: key), id: id,
            status: try r.parsed(row, "status", key: key, what: "a task status", TaskStatus.init(rawValue:)),
            attempt: try r.required(row, "attempt", key: key),
            parents: try parents.split(separator: " ").map { try pathspec(String($0), "parents") },
            splits: splits, inputFingerprint: try r.optional(row, "fingerprint", key: key),
            origin: try r.optional(row, "origin", key: key).map { try pathspec($0, "origin") },
            foreachCount: try r.optional(row, "foreach_count", key: key),
            started: Date(timeIntervalSince1970: try r.required(row, "started", key: key)),
            ended: try r.optional(row, "ended", key: key).map { Date(timeIntervalSince1970: $0) },
            error: try r.optional(row, "error", key: key),
            parametersRead: reads.map { $0.split(separator: " ").map(String.init) }, placement: placement)
    }

    /// Saves the captured output of one attempt, cut to the last `limit` bytes of each stream.
    /// A first attempt that printed nothing leaves no row: a silent task costs
    /// its runtime one write fewer. Retries are always recorded, so that the
    /// attempts of a retried task read in order.
    public func saveLog(task: Pathspec, attempt: Int, stdout: String, stderr: String, truncated: Bool) throws {
        let log = TaskLog(attempt: attempt, stdout: stdout, stderr: stderr, truncated: truncated)
        if log.isSilentFirst { return }
        try write { db in try Store.saveLog(db, task: task, log) }
    }

    static func saveLog(_ db: any MetadataConnection, task: Pathspec, _ log: TaskLog) throws {
        if log.isSilentFirst { return }
        let (flow, run, id) = try Store.taskKey(task)
        try db.execute(sql: """
            INSERT INTO logs (flow, run, task, attempt, stdout, stderr, truncated) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (flow, run, task, attempt) DO UPDATE SET stdout = excluded.stdout, stderr = excluded.stderr,
                truncated = excluded.truncated
            """, flow, run, id, log.attempt, log.stdout, log.stderr, log.truncated)
    }

    /// The captured output of each recorded attempt of a task, first attempt first
    /// (a silent first attempt has none).
    public func logs(task spec: Pathspec) throws -> [TaskLog] {
        let (flow, run, id) = try Store.taskKey(spec)
        return try read { db in
            var r = RowReader(table: "logs")
            return try db.fetchAll(sql: "SELECT * FROM logs WHERE flow = ? AND run = ? AND task = ? ORDER BY attempt", flow, run, id).map {
                TaskLog(attempt: try r.required($0, "attempt", key: spec.description), stdout: try r.required($0, "stdout", key: spec.description),
                        stderr: try r.required($0, "stderr", key: spec.description), truncated: try r.required($0, "truncated", key: spec.description))
            }
        }
    }
}
