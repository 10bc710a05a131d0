/// What can go wrong with the store, in words a user can act on.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `.spindle` store here or above, and none given.
    case notFound(searchedFrom: String)
    /// The folder named as the store (`--store`, `SPINDLE_STORE`) holds no store.
    case notAStore(path: String)
    /// The store's database could not be opened or is damaged.
    case unreadable(path: String, reason: String)
    /// The store was written by a newer Spindle.
    case newerSchema(found: Int, supported: Int)
    /// A blob's bytes do not hash to its name: the file was damaged.
    case corruptBlob(hash: String, artifact: String?)
    /// A blob the metadata names is not on disk.
    case missingBlob(hash: String, artifact: String?)
    /// A flow, run, step, task or artifact that does not exist.
    case noSuch(String, suggestion: String?)
    /// An artifact's bytes do not decode.
    case undecodable(artifact: String, reason: String)
    /// A row whose column holds what it cannot (NULL, an unknown status, bytes that do not decode).
    case corruptRow(table: String, row: String, column: String, reason: String)
    /// Any other I/O or database failure.
    case io(String)

    public var description: String {
        switch self {
        case .notFound(let from):
            return "no Spindle store (.spindle) in \(from) or above it; run a flow here first, or pass --store PATH or set SPINDLE_STORE"
        case .notAStore(let path):
            return "no Spindle store at \(path) (it has no meta.sqlite); a flow's first run makes one there: FLOW run --store \(path)"
        case .unreadable(let path, let reason):
            return "cannot open the store database \(path): \(reason)"
        case .newerSchema(let found, let supported):
            return "the store was written by a newer Spindle (schema \(found), this one reads up to \(supported)); upgrade Spindle"
        case .corruptBlob(let hash, let artifact):
            return "corrupt artifact\(artifact.map { " \($0)" } ?? ""): blob \(hash.prefix(12))… does not match its hash; the file was damaged"
        case .missingBlob(let hash, let artifact):
            return "missing artifact data\(artifact.map { " for \($0)" } ?? ""): blob \(hash.prefix(12))… is not in the store"
        case .noSuch(let what, let suggestion):
            return "no \(what)" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case .undecodable(let artifact, let reason):
            return "cannot decode artifact \(artifact): \(reason)"
        case .corruptRow(let table, let row, let column, let reason):
            return "the store's \(table) row \(row) is damaged: its column \(column) \(reason); the database was changed by something other than Spindle"
        case .io(let what):
            return what
        }
    }
}
