import Foundation

extension Store {
    /// What a garbage collection removed (or would remove, in a dry run).
    public struct CollectionReport: Sendable, Equatable {
        public var spins: [String] = []
        public var blobs = 0
        public var bytes = 0
    }

    /// Removes spins that ended more than `age` seconds ago, then every blob
    /// that no artifact row names — never a blob a run or spin still uses.
    /// Blobs younger than `grace` are kept even when unreferenced: a task may
    /// have written one and not yet committed the row that names it.
    public func collectGarbage(spinsOlderThan age: TimeInterval, grace: TimeInterval = 3600,
                               dryRun: Bool = false) throws -> CollectionReport {
        var report = CollectionReport()
        let cutoff = Date().timeIntervalSince1970 - age
        try write { db in
            let old = try db.fetchAll(sql: """
                SELECT flow, id FROM runs WHERE kind = 'spin' AND status != 'running' AND COALESCE(ended, started) < ?
                ORDER BY flow, number
                """, cutoff)
            var reader = RowReader(table: "runs")
            for row in old {
                let flow: String = try reader.required(row, "flow", key: "?")
                let id: String = try reader.required(row, "id", key: flow)
                report.spins.append("\(flow)/\(id)")
                guard !dryRun else { continue }
                for table in ["artifacts", "cards", "logs", "tasks", "run_tags"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE flow = ? AND run = ?", flow, id)
                }
                try db.execute(sql: "DELETE FROM runs WHERE flow = ? AND id = ?", flow, id)
            }
        }
        // Read the references after the deletions are committed: anything written later is newer than `grace`.
        let referenced = try referencedBlobs()
        let now = Date()
        for entry in try blobs.entries() where !referenced.contains(entry.hash) {
            guard now.timeIntervalSince(entry.modified) >= grace else { continue }
            report.blobs += 1
            report.bytes += entry.size
            if !dryRun { try blobs.remove(entry.hash) }
        }
        if !dryRun { try blobs.removeAbandonedWrites(olderThan: grace) }
        return report
    }
}
