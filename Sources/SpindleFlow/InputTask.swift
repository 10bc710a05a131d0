import Synchronization
import SpindleStore
import SpindleValue

/// One parent task's outputs as a step sees them: named artifacts, loaded
/// from the store only when first read, with any overrides applied on top.
public final class InputTask: Sendable {
    /// The parent task.
    public let pathspec: Pathspec
    /// The artifacts' metadata, by name.
    let records: [String: ArtifactRecord]
    /// Values that replace or add to the parent's artifacts (a spin's overrides).
    let overrides: [String: Value]
    let order: [String]
    let store: Store
    let cache = Mutex<[String: Value]>([:])

    init(pathspec: Pathspec, records: [ArtifactRecord], overrides: [String: Value] = [:], store: Store) {
        self.pathspec = pathspec
        self.records = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.overrides = overrides
        self.order = records.map(\.name) + overrides.keys.filter { n in !records.contains { $0.name == n } }.sorted()
        self.store = store
    }

    /// The step the parent task ran.
    public var step: String { pathspec.step ?? "" }

    /// The names of the artifacts this parent has.
    public var artifactNames: [String] { order }

    /// The value of artifact `name`, or `nil` when this parent has none.
    public func value(_ name: String) throws -> Value? {
        if let o = overrides[name] { return o }
        if let v = cache.withLock({ $0[name] }) { return v }
        guard let r = records[name] else { return nil }
        let v = try store.load(r)
        cache.withLock { $0[name] = v }
        return v
    }

    /// Artifact `name` as a `T`; an error names the artifact and what it has when missing or mistyped.
    public func artifact<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let v = try value(name) else {
            throw FlowError.missingArtifact(name: name, step: step, available: artifactNames)
        }
        do { return try ValueDecoder(rootPath: name).decode(T.self, from: v) } catch let e as ValueDecodingError {
            throw FlowError.mistypedArtifact(name: name, step: step, reason: e.description)
        }
    }

    /// The metadata of artifact `name` (nil for overrides and missing ones).
    func record(_ name: String) -> ArtifactRecord? { overrides[name] == nil ? records[name] : nil }

    /// Whether the parent task itself has artifact `name` (an override may replace it).
    func stores(_ name: String) -> Bool { records[name] != nil }

    /// Whether a spin's override replaces or adds artifact `name`.
    func isOverridden(_ name: String) -> Bool { overrides[name] != nil }
}
