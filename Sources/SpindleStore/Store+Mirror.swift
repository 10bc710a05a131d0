import Foundation

extension Store {
    /// A shared store this one has mirrored runs of: its name and URLs.
    public struct Remote: Sendable, Equatable {
        public var name: String
        public var metadata: String
        public var blobs: String
        public init(name: String, metadata: String, blobs: String) {
            self.name = name
            self.metadata = metadata
            self.blobs = blobs
        }
    }

    /// Copies run `id` of `flow` from the shared store `remote` into this one
    /// as `remote.name:N`: its run row, tasks, artifact rows and logs — the
    /// metadata only; the blobs stay remote and are fetched when first read
    /// (``Remote/blobs``). A spin of it then runs wholly on this machine and
    /// writes only here.
    ///
    /// The copy is one transaction and replaces an earlier copy of the same
    /// run. Pathspecs inside it (a task's parents, a clone's origin, a resumed
    /// run's origin) are rewritten to name the mirrored runs.
    @discardableResult
    public func mirror(flow: String, run id: RunID, from source: Store, as remote: Remote) throws -> RunRecord {
        let record = try source.run(flow: flow, id: id)
        guard case .number(let number) = record.id else {
            throw StoreError.noSuch("production run \(flow)/\(id) in \(remote.name) (only runs are mirrored, not spins)", suggestion: nil)
        }
        let local = RunID.remote(store: remote.name, number: number)
        let (runRows, taskRows, artifactRows, logRows, cardRows) = try source.read { db in
            (try db.fetchAll(sql: "SELECT * FROM runs WHERE flow = ? AND id = ?", flow, record.id.description),
             try db.fetchAll(sql: "SELECT * FROM tasks WHERE flow = ? AND run = ?", flow, record.id.description),
             try db.fetchAll(sql: "SELECT * FROM artifacts WHERE flow = ? AND run = ?", flow, record.id.description),
             try db.fetchAll(sql: "SELECT * FROM logs WHERE flow = ? AND run = ?", flow, record.id.description),
             try db.fetchAll(sql: "SELECT * FROM cards WHERE flow = ? AND run = ?", flow, record.id.description))
        }
        // The shared store's small blobs are rows of its database: copied here with the records (verified),
        // so that a spin on this machine never needs that database. Blobs first, then the rows naming them.
        if let tiered = source.blobs as? TieredBlobStore {
            let hashes = Set(artifactRows.compactMap { row -> String? in
                guard case .text(let h) = row["hash"], case .integer(let size) = row["size"], size < TieredBlobStore.inlineLimit else { return nil }
                return h
            })
            do {
                for (_, bytes) in try tiered.smallBlobs(hashes.sorted()) { _ = try blobs.put(bytes) }
            } catch StoreError.corruptBlob(let hash, _) {
                let row = artifactRows.first { $0["hash"] == .text(hash) }
                let place = row.map { r -> String in
                    let task = r["task"], name: String = { if case .text(let n) = r["name"] { return n } else { return "?" } }()
                    let step: String = {
                        if case .text(let s)? = taskRows.first(where: { $0["id"] == task })?["step"] { return s } else { return "?" }
                    }()
                    let id: String = { if case .integer(let t) = task { return String(t) } else { return "?" } }()
                    return "\(flow)/\(local)/\(step)/\(id)/\(name)"
                }
                throw StoreError.corruptBlob(hash: hash, artifact: place.map { "\($0) in \(remote.name)" })
            }
        }
        func rename(_ text: String) -> String {
            guard var p = try? Pathspec(parsing: text), case .number(let n)? = p.run else { return text }
            p.run = .remote(store: remote.name, number: n)
            return p.description
        }
        func renameRun(_ text: String) -> String {
            guard case .number(let n)? = RunID(text) else { return text }
            return RunID.remote(store: remote.name, number: n).description
        }
        try write { db in
            for table in ["artifacts", "cards", "logs", "tasks"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE flow = ? AND run = ?", flow, local.description)
            }
            try db.execute(sql: "DELETE FROM runs WHERE flow = ? AND id = ?", flow, local.description)
            try db.execute(sql: """
                INSERT INTO remotes (name, metadata, blobs) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET metadata = excluded.metadata, blobs = excluded.blobs
                """, remote.name, remote.metadata, remote.blobs)
            try Store.insert(runRows, into: "runs", db) { column, value in
                switch (column, value) {
                case ("id", _): return .text(local.description)
                case ("kind", _): return .text("mirror")
                case ("origin", .text(let t)): return .text(renameRun(t))
                default: return value
                }
            }
            try Store.insert(taskRows, into: "tasks", db) { column, value in
                switch (column, value) {
                case ("run", _): return .text(local.description)
                case ("parents", .text(let t)):
                    return .text(t.split(separator: " ").map { rename(String($0)) }.joined(separator: " "))
                case ("origin", .text(let t)): return .text(rename(t))
                default: return value
                }
            }
            for (rows, table) in [(artifactRows, "artifacts"), (logRows, "logs"), (cardRows, "cards")] {
                try Store.insert(rows, into: table, db) { column, value in column == "run" ? .text(local.description) : value }
            }
        }
        return try run(flow: flow, id: local)
    }

    /// Inserts `rows` into `table`, each value passed through `change`.
    static func insert(_ rows: [MetadataRow], into table: String, _ db: any MetadataConnection,
                       change: (String, SQLValue) -> SQLValue) throws {
        guard let columns = rows.first?.columns else { return }
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let sql = "INSERT INTO \(table) (\(names)) VALUES (\(marks))"
        for row in rows {
            try db.execute(sql: sql, arguments: zip(columns, row.values).map { change($0, $1) })
        }
    }

    /// The shared stores this one has mirrored runs of.
    public func remotes() throws -> [Remote] { try Store.remotes(in: metadata) }

    /// Whether an artifact of a mirrored run in the store over `metadata` names `hash`.
    public static func isMirrored(_ hash: String, in metadata: any MetadataDatabase) -> Bool {
        (try? metadata.read { db in
            try db.fetchOne(sql: """
                SELECT 1 FROM artifacts a JOIN runs r ON r.flow = a.flow AND r.id = a.run
                WHERE a.hash = ? AND r.kind = 'mirror'
                UNION ALL
                SELECT 1 FROM cards c JOIN runs r ON r.flow = c.flow AND r.id = c.run
                WHERE c.hash = ? AND r.kind = 'mirror' LIMIT 1
                """, hash, hash) != nil
        }) ?? false
    }

    /// The shared stores that the store over `metadata` has mirrored runs of.
    public static func remotes(in metadata: any MetadataDatabase) throws -> [Remote] {
        try metadata.read { db in
            var r = RowReader(table: "remotes")
            return try db.fetchAll(sql: "SELECT * FROM remotes ORDER BY name").map { row in
                let name: String = try r.required(row, "name", key: "?")
                return Remote(name: name, metadata: try r.required(row, "metadata", key: name),
                              blobs: try r.required(row, "blobs", key: name))
            }
        }
    }

    /// The runs of shared stores mirrored here, newest first (of `flow`, when given).
    public func mirrors(flow: String? = nil) throws -> [RunRecord] {
        var sql = "SELECT \(Store.runColumns) FROM runs r WHERE kind = 'mirror'"
        var args: [SQLValue] = []
        if let flow { sql += " AND flow = ?"; args.append(.text(flow)) }
        sql += " ORDER BY started DESC"
        return try read { db in
            var reader = RowReader(table: "runs")
            return try db.fetchAll(sql: sql, arguments: args).map { try Store.runRecord($0, &reader) }
        }
    }

    /// The mirrored copy of `store:number`, if this store has one.
    public func mirrored(flow: String, store: String, number: Int) throws -> RunRecord? {
        do { return try run(flow: flow, id: .remote(store: store, number: number)) } catch StoreError.noSuch {
            return nil
        }
    }
}
