import Foundation
import SpindlePostgres
import SpindleStore

/// Which store a command uses, named one way everywhere — `--store`,
/// `SPINDLE_STORE`, the shell's `load NAME:…`, MCP's `store`, and
/// ``StoreAddress/init(parsing:from:)`` in Swift:
///
/// - a folder: the embedded store (`.spindle`, SQLite and files; the default,
///   found by walking up from the working directory);
/// - a URL pair, metadata then blobs: `postgres://USER@HOST/DB,s3://BUCKET/PREFIX`
///   (blobs may also be a folder, for a PostgreSQL store on one machine);
/// - a profile: a name defined in the project's `spindle.toml`, so a team
///   writes its URLs once:
///
/// ```toml
/// [stores.prod]
/// metadata = "postgres://spindle@db.internal/spindle"
/// blobs = "s3://ml-artifacts/spindle?region=eu-west-1"
/// ```
///
/// Credentials are never part of an address: PostgreSQL's password comes
/// from `PGPASSWORD` or `~/.pgpass`, S3's keys from the AWS variables and
/// files. An address is safe to print, log and pass to task processes.
public struct StoreAddress: Sendable, Equatable, CustomStringConvertible {
    /// Where the store lives.
    public enum Place: Sendable, Equatable {
        /// The embedded store in this folder (its `.spindle` directory).
        case folder(URL)
        /// A shared store: metadata in PostgreSQL, blobs in object storage (or a folder).
        case shared(metadata: String, blobs: String)
    }

    public var place: Place
    /// The profile it was named by, if any.
    public var profile: String?

    public init(_ place: Place, profile: String? = nil) {
        self.place = place
        self.profile = profile
    }

    /// The text that names this store to another process: a folder's path, or the URL pair.
    public var description: String {
        switch place {
        case .folder(let url): return url.path
        case .shared(let metadata, let blobs): return "\(metadata),\(blobs)"
        }
    }

    /// Whether it is a shared store.
    public var isShared: Bool { if case .shared = place { return true } else { return false } }

    /// Reads an address: a URL pair, a profile of the nearest `spindle.toml`
    /// above `directory`, or else a folder (relative to `directory`).
    public init(parsing text: String, from directory: URL = StoreAddress.workingDirectory) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            // The blobs start at ",s3://" (a PostgreSQL URL may hold commas: several hosts), else at the last comma.
            guard let comma = text.range(of: ",s3://")?.lowerBound ?? text.lastIndex(of: ",") else {
                throw StoreAddressError("""
                    a shared store needs its blobs too: '\(text.prefix(80)),s3://BUCKET/PREFIX' \
                    (or a profile in spindle.toml)
                    """)
            }
            let metadata = String(text[..<comma]), blobs = String(text[text.index(after: comma)...])
            self.init(.shared(metadata: metadata, blobs: try Self.checkedBlobs(blobs, from: directory)))
            return
        }
        if text.hasPrefix("s3://") {
            throw StoreAddressError("a shared store names its metadata first: 'postgres://USER@HOST/DB,\(text.prefix(80))'")
        }
        if Self.isProfileName(text), let config = try ProjectConfig.nearest(from: directory) {
            if let profile = config.stores[text] {
                self.init(.shared(metadata: profile.metadata, blobs: try Self.checkedBlobs(profile.blobs, from: config.folder)),
                          profile: text)
                return
            }
        }
        self.init(.folder(URL(fileURLWithPath: text, relativeTo: directory).standardizedFileURL))
    }

    /// The store a command uses: `explicit` (`--store`), else `SPINDLE_STORE`,
    /// else the nearest `.spindle` above `directory` (or, when `creating`, a
    /// new one at the package root).
    public static func resolve(explicit: String?, environment: [String: String] = StoreLocation.currentEnvironment(),
                               from directory: URL = workingDirectory, creating: Bool) throws -> StoreAddress {
        if let explicit, !explicit.isEmpty { return try StoreAddress(parsing: explicit, from: directory) }
        if let env = environment[StoreLocation.environmentVariable], !env.isEmpty {
            return try StoreAddress(parsing: env, from: directory)
        }
        return StoreAddress(.folder(try StoreLocation.nearest(from: directory, creating: creating)))
    }

    /// Opens the store. A task process (`forTask`) skips the schema check
    /// and leaves WAL folding to its runtime, which opened the same store first.
    /// `database` says when and how an embedded store's database is opened
    /// (``Store/DatabaseOpening``; a shared store's is opened now).
    public func open(creating: Bool, forTask: Bool = false, database: Store.DatabaseOpening = .now) throws -> Store {
        switch place {
        case .folder(let root):
            let plain = try Store.open(at: root, create: creating, checkpoints: !forTask, checkSchema: !forTask, database: database)
            guard let files = plain.blobs as? FileBlobStore else { return plain }
            // A blob a mirrored run names comes from its shared store, on first read.
            let metadata = plain.metadata
            let blobs = MirrorBlobStore(local: files, remotes: {
                try Store.remotes(in: metadata).map { try SharedBlobs.open($0.blobs, cache: SharedStoreFolders.cache()) }
            }, mirrored: { Store.isMirrored($0, in: metadata) })
            return Store(root: root, blobs: blobs, metadata: metadata, address: plain.address)
        case .shared(let metadataURL, let blobsURL):
            // A task process never writes scratch files: it need not make the folder.
            let local = try SharedStoreFolders.local(for: self, creating: !forTask)
            let metadata = try PostgresMetadata(url: metadataURL, checkSchema: !forTask)
            // Small blobs are rows of the database; the rest go to S3 (or the folder).
            let blobs = TieredBlobStore(metadata: metadata, large: try SharedBlobs.open(blobsURL, cache: SharedStoreFolders.cache()))
            return Store(root: local, blobs: blobs, metadata: metadata, address: description)
        }
    }

    /// The current directory.
    public static var workingDirectory: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath) }

    static func isProfileName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, text.count <= 64 else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// A blobs URL as given, or a folder made absolute against `directory`.
    static func checkedBlobs(_ text: String, from directory: URL) throws -> String {
        if text.hasPrefix("s3://") { return text }
        if text.contains("://") && !text.hasPrefix("file://") {
            throw StoreAddressError("blobs live at s3://BUCKET/PREFIX or in a folder, not at '\(text.prefix(80))'")
        }
        let path = text.hasPrefix("file://") ? String(text.dropFirst("file://".count)) : text
        return URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }
}

/// An address that names no store Spindle can open, and what to write instead.
public struct StoreAddressError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
