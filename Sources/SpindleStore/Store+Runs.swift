import Foundation
import SpindleValue
import OrderedCollections

extension Store {
    /// What a new run or spin starts with.
    public struct NewRun: Sendable {
        public var flow: String
        public var isSpin: Bool
        public var parameters: Value
        public var graph: String
        public var tags: [String]
        public var origin: RunID?
        public var originTask: String?
        public var overrides: Value?
        public var binary: String?

        public init(flow: String, isSpin: Bool = false, parameters: Value = [:], graph: String = "{}",
                    tags: [String] = [], origin: RunID? = nil, originTask: String? = nil,
                    overrides: Value? = nil, binary: String? = nil) {
            self.flow = flow
            self.isSpin = isSpin
            self.parameters = parameters
            self.graph = graph
            self.tags = tags
            self.origin = origin
            self.originTask = originTask
            self.overrides = overrides
            self.binary = binary
        }
    }

    /// Records a new run (or spin) as running and returns it with its id:
    /// the next number of its flow (`12`, or `spin-7` for spins).
    public func createRun(_ new: NewRun) throws -> RunRecord {
        let now = Date()
        let kind = new.isSpin ? "spin" : "run"
        return try write { db in
            let last = try db.fetchOne(sql: "SELECT MAX(number) FROM runs WHERE flow = ? AND kind = ?", new.flow, kind)
            let number = (last.flatMap { Int(sqlValue: $0[0]) } ?? 0) + 1
            let id: RunID = new.isSpin ? .spin(number) : .number(number)
            try db.execute(sql: """
                INSERT INTO runs (flow, id, kind, number, status, parameters, graph, origin, origin_task,
                                  overrides, "binary", pid, host, started, heartbeat)
                VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, new.flow, id.description, kind, number,
                                 ArtifactCodec.encode(new.parameters), new.graph, new.origin?.description,
                                 new.originTask, new.overrides.map { ArtifactCodec.encode($0) }, new.binary,
                                 Int(getpid()), Store.hostName, now.timeIntervalSince1970, now.timeIntervalSince1970)
            for tag in Set(new.tags) {
                try db.execute(sql: "INSERT INTO run_tags (flow, run, tag) VALUES (?, ?, ?)", new.flow, id.description, tag)
            }
            return RunRecord(flow: new.flow, id: id, status: .running, parameters: new.parameters,
                             tags: new.tags.sorted(), started: now, ended: nil, origin: new.origin,
                             originTask: new.originTask, overrides: new.overrides, binary: new.binary,
                             error: nil, pid: Int(getpid()), host: Store.hostName, heartbeat: now)
        }
    }

    /// Says that the process running the run is alive (its runtime calls it
    /// every ``heartbeatInterval`` seconds): another machine takes a run whose
    /// heartbeat stopped for ``heartbeatTimeout`` for abandoned.
    public func beat(flow: String, id: RunID, at date: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET heartbeat = ? WHERE flow = ? AND id = ? AND status = 'running'",
                           date.timeIntervalSince1970, flow, id.description)
        }
    }

    /// Seconds between heartbeats (`SPINDLE_HEARTBEAT_SECONDS` changes it, for tests).
    public static var heartbeatInterval: Double {
        getenv("SPINDLE_HEARTBEAT_SECONDS").flatMap { Double(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil } ?? 10
    }

    /// Seconds without a heartbeat after which a run on another machine is taken for abandoned.
    public static var heartbeatTimeout: Double { max(60, heartbeatInterval * 6) }

    /// Marks a run ended with `status` (and why, when it did not complete).
    public func finishRun(flow: String, id: RunID, status: RunStatus, error: String? = nil) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, ended = ?, error = ?, pid = NULL WHERE flow = ? AND id = ?",
                           status.rawValue, Date().timeIntervalSince1970, error, flow, id.description)
        }
    }

    /// The flows that have runs, by name.
    public func flows() throws -> [String] {
        try read { db in try db.fetchAll(sql: "SELECT DISTINCT flow FROM runs ORDER BY flow").compactMap { String(sqlValue: $0[0]) } }
    }

    /// Runs, newest first: production runs, or spins with `spins`; filtered by
    /// flow, status and tag; at most `limit`.
    public func runs(flow: String? = nil, spins: Bool = false, status: RunStatus? = nil, tag: String? = nil,
                     limit: Int? = nil) throws -> [RunRecord] {
        var sql = "SELECT \(Store.runColumns) FROM runs r WHERE kind = ?"
        var args: [SQLValue] = [.text(spins ? "spin" : "run")]
        if let flow { sql += " AND flow = ?"; args.append(.text(flow)) }
        if let status { sql += " AND status = ?"; args.append(.text(status.rawValue)) }
        if let tag { sql += " AND EXISTS (SELECT 1 FROM run_tags t WHERE t.flow = r.flow AND t.run = r.id AND t.tag = ?)"; args.append(.text(tag)) }
        sql += " ORDER BY started DESC, number DESC"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try read { db in
            let tags = try Store.tags(db, flow: flow, all: limit == nil || limit! > 100)
            var out: [RunRecord] = []
            // The reader finds each column's position once.
            var reader = RowReader(table: "runs")
            for row in try db.fetchAll(sql: sql, arguments: args) {
                var r = try Store.runRecord(row, &reader)
                if let tags {
                    r.tags = tags[r.flow + "/" + r.id.description] ?? []
                } else {
                    r.tags = try Store.tags(db, flow: r.flow, run: r.id)
                }
                out.append(r)
            }
            return out
        }
    }

    /// Every run's tags (or `nil` when `all` is false, to be read per run instead).
    static func tags(_ db: any MetadataConnection, flow: String?, all: Bool) throws -> [String: [String]]? {
        guard all else { return nil }
        var tags: [String: [String]] = [:]
        var sql = "SELECT flow, run, tag FROM run_tags"
        var args: [SQLValue] = []
        if let flow { sql += " WHERE flow = ?"; args.append(.text(flow)) }
        sql += " ORDER BY tag"
        var reader = RowReader(table: "run_tags")
        for row in try db.fetchAll(sql: sql, arguments: args) {
            let flow: String = try reader.required(row, "flow", key: "?")
            let run: String = try reader.required(row, "run", key: flow)
            tags["\(flow)/\(run)", default: []].append(try reader.required(row, "tag", key: "\(flow)/\(run)"))
        }
        return tags
    }

    static func tags(_ db: any MetadataConnection, flow: String, run: RunID) throws -> [String] {
        try db.fetchAll(sql: "SELECT tag FROM run_tags WHERE flow = ? AND run = ? ORDER BY tag", flow, run.description)
            .compactMap { String(sqlValue: $0[0]) }
    }

    /// The columns a run record needs (not the graph, which only `graph(of:)` reads).
    static let runColumns = #"flow, id, status, parameters, origin, origin_task, overrides, "binary", pid, host, heartbeat, started, ended, error"#

    /// The flow graph a run recorded (JSON text, as its runtime described it).
    /// The spins that re-ran `task`, newest first.
    public func spins(reRunning task: Pathspec) throws -> [RunRecord] {
        try read { db in
            var reader = RowReader(table: "runs")
            return try db.fetchAll(sql: "SELECT \(Store.runColumns) FROM runs r WHERE flow = ? AND kind = 'spin' AND origin_task = ? ORDER BY started DESC",
                                   task.flow, task.description).map { try Store.runRecord($0, &reader) }
        }
    }

    public func graph(flow: String, run: RunID) throws -> String {
        try read { db in
            try db.fetchOne(sql: "SELECT graph FROM runs WHERE flow = ? AND id = ?", flow, run.description)
                .flatMap { String(sqlValue: $0[0]) }
        } ?? "{}"
    }

    /// The run `id` of `flow`; `latest` is the latest completed production run.
    public func run(flow: String, id: RunID) throws -> RunRecord {
        if id == .latest {
            guard let r = try runs(flow: flow, status: .completed, limit: 1).first else {
                let known = try flows()
                if !known.contains(flow) { throw StoreError.noSuch("flow '\(flow)' in this store", suggestion: Store.nearest(flow, in: known)) }
                throw StoreError.noSuch("completed run of \(flow) yet", suggestion: nil)
            }
            return r
        }
        let row = try read { db in
            try db.fetchOne(sql: "SELECT \(Store.runColumns) FROM runs r WHERE flow = ? AND id = ?", flow, id.description)
                .map { row in
                    var reader = RowReader(table: "runs")
                    var r = try Store.runRecord(row, &reader)
                    r.tags = try Store.tags(db, flow: flow, run: id)
                    return r
                }
        }
        guard let row else {
            let known = try flows()
            if !known.contains(flow) { throw StoreError.noSuch("flow '\(flow)' in this store", suggestion: Store.nearest(flow, in: known)) }
            throw StoreError.noSuch("run \(flow)/\(id)", suggestion: nil)
        }
        return row
    }

    /// The newest production run of `flow`, completed only when `successful`.
    public func latestRun(flow: String, successful: Bool = true) throws -> RunRecord? {
        try runs(flow: flow, status: successful ? .completed : nil, limit: 1).first
    }

    /// A run record from a row of `runColumns`, read by name; a damaged column is a typed error.
    static func runRecord(_ row: MetadataRow, _ r: inout RowReader) throws -> RunRecord {
        let flow: String = try r.required(row, "flow", key: "?")
        let idText: String = try r.required(row, "id", key: flow)
        let key = "\(flow)/\(idText)"
        return RunRecord(
            flow: flow,
            id: try r.parsed(row, "id", key: key, what: "a run id", RunID.init),
            status: try r.parsed(row, "status", key: key, what: "a run status", RunStatus.init(rawValue:)),
            parameters: try r.value(row, "parameters", key: key) ?? .object([:]),
            tags: [],
            started: Date(timeIntervalSince1970: try r.required(row, "started", key: key)),
            ended: try r.optional(row, "ended", key: key).map { Date(timeIntervalSince1970: $0) },
            origin: try r.optional(row, "origin", key: key).map { (text: String) throws -> RunID in
                guard let id = RunID(text) else {
                    throw StoreError.corruptRow(table: "runs", row: key, column: "origin", reason: "holds '\(text)', not a run id")
                }
                return id
            },
            originTask: try r.optional(row, "origin_task", key: key),
            overrides: try r.value(row, "overrides", key: key),
            binary: try r.optional(row, "binary", key: key), error: try r.optional(row, "error", key: key),
            pid: try r.optional(row, "pid", key: key), host: try r.optional(row, "host", key: key),
            heartbeat: try r.optional(row, "heartbeat", key: key).map { Date(timeIntervalSince1970: $0) })
    }

    /// This machine's name, recorded with each run's process id: a run
    /// recorded as running by another machine is never taken for abandoned here.
    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The candidate closest to `name`, when close enough to be a likely typo (see ``Suggestion``).
    public static func nearest(_ name: String, in candidates: [String]) -> String? {
        Suggestion.nearest(name, in: candidates)
    }
}
