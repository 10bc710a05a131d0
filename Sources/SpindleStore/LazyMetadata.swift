import Synchronization

/// A metadata database opened on first use: for a task process that was
/// handed its inputs and hands back its rows (`SpindleFlow`'s `TaskHandoff`),
/// which then never opens it, yet still can when it must (to record its
/// failure, save a card, or read a task that was not handed over).
///
/// An opening that fails is tried again at the next use, and its error
/// reaches that use's caller as a ``StoreError``, as a failed open would.
public final class LazyMetadata: MetadataDatabase {
    private let opening: @Sendable () throws -> any MetadataDatabase
    private let opened = Mutex<(any MetadataDatabase)?>(nil)
    public let dialect: SQLDialect
    public let location: String

    /// A database at `location`, in `dialect`, that `open` opens when first used.
    public init(dialect: SQLDialect, location: String, open: @escaping @Sendable () throws -> any MetadataDatabase) {
        self.dialect = dialect
        self.location = location
        self.opening = open
    }

    private func database() throws -> any MetadataDatabase {
        try opened.withLock { db in
            if let db { return db }
            let fresh = try opening()
            db = fresh
            return fresh
        }
    }

    public func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { try database().write(body) }
    public func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { try database().read(body) }
    public func integrityCheck() throws -> [String] { try database().integrityCheck() }
    public func rehearse<T>(_ body: () throws -> T) throws -> T { try database().rehearse(body) }

    /// Closes the database if it was opened; a later use is an error, as for any database.
    public func close() throws {
        let db = opened.withLock { db -> (any MetadataDatabase)? in
            defer { db = ClosedMetadata(dialect: dialect, location: location) }
            return db
        }
        try db?.close()
    }

    public func settle() {
        opened.withLock { $0 }?.settle()
    }
}

/// What a ``LazyMetadata`` is once closed: every use fails, saying so.
private struct ClosedMetadata: MetadataDatabase {
    let dialect: SQLDialect
    let location: String
    private var error: StoreError { StoreError.io("the store's database at \(location) was closed") }
    func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { throw error }
    func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T { throw error }
    func integrityCheck() throws -> [String] { throw error }
}
