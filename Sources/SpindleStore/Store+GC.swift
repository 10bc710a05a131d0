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
                for table in ["artifacts", "logs", "tasks", "run_tags"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE flow = ? AND run = ?", flow, id)
                }
                try db.execute(sql: "DELETE FROM runs WHERE flow = ? AND id = ?", flow, id)
            }
        }
        // Read the references after the deletions are committed: anything written later is newer than `grace`.
        let referenced = try referencedBlobs()
        let now = Date()
        let fm = FileManager.default
        for hash in try blobs.allHashes() where !referenced.contains(hash) {
            guard let file = blobs as? FileBlobStore else { break }
            let attrs = try? fm.attributesOfItem(atPath: file.path(hash))
            let modified = attrs?[.modificationDate] as? Date ?? now
            guard now.timeIntervalSince(modified) >= grace else { continue }
            report.blobs += 1
            report.bytes += (attrs?[.size] as? Int) ?? 0
            if !dryRun { try blobs.remove(hash) }
        }
        if let file = blobs as? FileBlobStore, !dryRun {
            let tmp = file.directory.appendingPathComponent("tmp")
            for name in (try? fm.contentsOfDirectory(atPath: tmp.path)) ?? [] {
                let path = tmp.appendingPathComponent(name).path
                if let d = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, now.timeIntervalSince(d) >= grace {
                    try? fm.removeItem(atPath: path)
                }
            }
        }
        return report
    }
}
