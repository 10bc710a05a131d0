import Foundation
import SpindleValue
import Synchronization

/// A project's store: artifact blobs named by their SHA-256, plus the metadata
/// of flows, runs, tasks, artifacts and logs — in SQLite (WAL mode, so the
/// runtime, its task processes, a shell and a second run can use it at once)
/// and files, or in any other ``MetadataDatabase`` and ``BlobStore`` (a team's
/// PostgreSQL and S3 bucket).
///
/// ```swift
/// let store = try Store.open(at: StoreLocation.nearest(creating: false))
/// for run in try store.runs(flow: "RatingsFlow") { print(run.id, run.status) }
/// ```
///
/// Every write is one transaction, and blobs are renamed into place before any
/// row names them, so a process killed at any instant leaves a store that opens
/// and tells the truth.
public final class Store: Sendable {
    /// The local folder of this store: the `.spindle` directory of an
    /// embedded store, or the local working folder of a shared one (its
    /// scratch files, the shell's history).
    public let root: URL
    /// The artifact bytes.
    public let blobs: any BlobStore
    /// The runs, tasks, artifact rows and logs.
    public let metadata: any MetadataDatabase
    /// How another process names this store to open it (task processes get
    /// it): the folder's path, or a shared store's URLs — never credentials.
    public let address: String

    /// Set while ``rehearse(_:)`` runs: artifacts are named, not written.
    let rehearsing = Atomic<Bool>(false)

    /// The newest schema this build reads and writes.
    public static var schemaVersion: Int { Schema.version }

    /// The statements of each schema version, oldest first, for a database in
    /// `dialect`: what a metadata database runs to create or migrate its tables.
    public static func schemaMigrations(_ dialect: SQLDialect) -> [(version: Int, sql: String)] {
        Schema.migrations(dialect).map { (version: $0.0, sql: $0.1) }
    }

    /// A store over the given databases (a shared store's: see `SpindleFlow`'s `StoreAddress`).
    public init(root: URL, blobs: any BlobStore, metadata: any MetadataDatabase, address: String? = nil) {
        self.root = root
        self.blobs = blobs
        self.metadata = metadata
        self.address = address ?? root.path
    }

    /// The embedded store's database, in its folder.
    public static let databaseFileName = "meta.sqlite"

    /// Opens the embedded store at `root` (a `.spindle` directory), creating it when `create`.
    ///
    /// `checkpoints: false` leaves folding the WAL into the database to other
    /// processes: a task process, which lives for a moment, starts no fold;
    /// its runtime (or spin command), which commits around every task, does.
    /// `checkSchema: false` skips reading the schema version, for a process
    /// whose runtime has just opened (and checked) the same store.
    ///
    /// `database` says when and how the database is opened (``DatabaseOpening``).
    public static func open(at root: URL, create: Bool = true, checkpoints: Bool = true,
                            checkSchema: Bool = true, database: DatabaseOpening = .now) throws -> Store {
        let dbPath = root.appendingPathComponent(databaseFileName).path
        // access(2), not FileManager: its first use costs a task process ~0.2 ms.
        if access(dbPath, F_OK) != 0 {
            guard create else { throw StoreError.notAStore(path: root.path) }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        let blobs = try FileBlobStore(directory: root.appendingPathComponent("blobs"))
        let metadata: any MetadataDatabase
        switch database {
        case .now: metadata = try SQLiteMetadata(path: dbPath, checkpoints: checkpoints, checkSchema: checkSchema)
        case .onFirstUse:
            metadata = LazyMetadata(dialect: .sqlite, location: dbPath) {
                try SQLiteMetadata(path: dbPath, checkpoints: checkpoints, checkSchema: checkSchema)
            }
        case .readingOnly: metadata = try SQLiteReader(path: dbPath)
        }
        return Store(root: root, blobs: blobs, metadata: metadata)
    }

    /// When and how an embedded store's database is opened.
    public enum DatabaseOpening: Sendable {
        /// Now, through GRDB, for reads and writes.
        case now
        /// At its first use (``LazyMetadata``): a task process handed its inputs may never use it.
        case onFirstUse
        /// Now, for reads only, without GRDB (``SQLiteReader``): a fork server's warm-up.
        case readingOnly
    }

    /// Runs `body` as one write transaction.
    public func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        try metadata.write(body)
    }

    /// Runs `body` as one read of one snapshot: a write by another process
    /// lands wholly before or after it.
    public func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        try metadata.read(body)
    }

    /// Runs `body` with its metadata writes rolled back, not committed
    /// (``MetadataDatabase/rehearse(_:)``), and the artifacts it saves
    /// encoded and named but not written: the store is left as it was.
    public func rehearse<T>(_ body: () throws -> T) throws -> T {
        try rehearseBlobs { try metadata.rehearse(body) }
    }

    /// Runs `body` with the artifacts it saves encoded and named but not
    /// written, and no metadata touched: what a fork server rehearses of a
    /// task that hands its rows to its runtime.
    public func rehearseBlobs<T>(_ body: () throws -> T) rethrows -> T {
        rehearsing.store(true, ordering: .relaxed)
        defer { rehearsing.store(false, ordering: .relaxed) }
        return try body()
    }

    /// Closes the metadata connection; the store cannot be used after.
    public func close() throws {
        try metadata.close()
    }

    /// At the end of a command that wrote (a run, a spin): lets the metadata
    /// database tidy up if no one else is using it. Costs nothing otherwise.
    public func settle() {
        metadata.settle()
    }

    /// Checks the database: `["ok"]` when sound.
    public func integrityCheck() throws -> [String] {
        try metadata.integrityCheck()
    }
}

/// How a connection waits for a lock another process holds. SQLite's own
/// timeout sleeps 1 ms, then 2, 5, 10…, far longer than a store write takes
/// (well under a millisecond); with a runtime and its tasks all writing, that
/// first millisecond was paid over and over. This waits 50 µs, doubling to
/// 2 ms, and gives up after 30 s in all.
enum BusyWait {
    static let firstDelay = 50e-6
    static let longestDelay = 2e-3
    static let limit = 30.0

    /// The seconds to sleep before attempt `tries + 1`.
    static func delay(afterTries tries: Int) -> Double {
        min(longestDelay, firstDelay * Double(1 << min(tries, 16)))
    }

    /// The seconds slept before attempt `tries + 1` in all.
    static func waited(beforeTry tries: Int) -> Double {
        (0..<min(tries, 16)).reduce(0) { $0 + delay(afterTries: $1) } + Double(max(0, tries - 16)) * longestDelay
    }

    /// GRDB's busy callback: sleeps, then asks SQLite to try again, until `limit` seconds have been slept.
    @Sendable static func retry(_ tries: Int, limit: Double = limit) -> Bool {
        guard waited(beforeTry: tries) < limit else { return false }
        usleep(UInt32(delay(afterTries: tries) * 1e6))
        return true
    }
}

