import Foundation

/// A card a task made: a self-contained HTML page, stored as a blob.
public struct CardRecord: Sendable, Equatable {
    /// The task it belongs to.
    public var task: Pathspec
    /// Its name within the task (`card` for a step's own card).
    public var name: String
    /// The page's blob.
    public var hash: String
    /// The page's size in bytes.
    public var size: Int
    /// Whether the task was still running and refreshing it when it was written.
    public var live: Bool
    /// When it was last written.
    public var updated: Date

    public init(task: Pathspec, name: String, hash: String, size: Int, live: Bool, updated: Date) {
        (self.task, self.name, self.hash, self.size, self.live, self.updated) = (task, name, hash, size, live, updated)
    }
}

extension Store {
    /// Stores `html` as the card `name` of `task`, replacing an earlier version
    /// (a live card is written again at each refresh). The blob lands before
    /// the row that names it, as for artifacts.
    @discardableResult
    public func saveCard(_ name: String, html: String, task: Pathspec, live: Bool) throws -> CardRecord {
        let bytes = Array(html.utf8)
        let hash = try blobs.put(bytes)
        let (flow, run, id) = try Store.taskKey(task)
        let now = Date()
        try write { db in
            try db.execute(sql: """
                INSERT INTO cards (flow, run, task, name, hash, size, live, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (flow, run, task, name) DO UPDATE SET hash = excluded.hash, size = excluded.size,
                    live = excluded.live, updated = excluded.updated
                """, flow, run, id, name, hash, bytes.count, live, now.timeIntervalSince1970)
        }
        return CardRecord(task: task, name: name, hash: hash, size: bytes.count, live: live, updated: now)
    }

    /// The cards `task` made, by name (its default card is not among them: it is made when asked for).
    public func cards(of task: Pathspec) throws -> [CardRecord] {
        let (flow, run, id) = try Store.taskKey(task)
        return try read { db in
            var r = RowReader(table: "cards")
            return try db.fetchAll(sql: "SELECT * FROM cards WHERE flow = ? AND run = ? AND task = ? ORDER BY name", flow, run, id).map { row in
                CardRecord(task: task, name: try r.required(row, "name", key: task.description), hash: try r.required(row, "hash", key: task.description),
                           size: try r.required(row, "size", key: task.description), live: try r.required(row, "live", key: task.description),
                           updated: Date(timeIntervalSince1970: try r.required(row, "updated", key: task.description)))
            }
        }
    }

    /// The number of cards each task of a run made, by task id (for listings).
    public func cardCounts(flow: String, run: RunID) throws -> [Int: Int] {
        try read { db in
            var out: [Int: Int] = [:]
            for row in try db.fetchAll(sql: "SELECT task, COUNT(*) FROM cards WHERE flow = ? AND run = ? GROUP BY task", flow, run.description) {
                if case .integer(let t) = row[0], case .integer(let n) = row[1] { out[Int(t)] = Int(n) }
            }
            return out
        }
    }

    /// A card's page, read and verified like any blob.
    public func cardHTML(_ card: CardRecord) throws -> String {
        String(decoding: try blobs.get(card.hash), as: UTF8.self)
    }
}
