import Foundation
import SpindleStore

/// A store's metadata in a shared PostgreSQL database: the same tables and
/// queries as the embedded SQLite one, so every machine of a team sees the
/// same runs. Many runtimes and their task processes write at once; each
/// process holds one connection (opened on first use, reopened after the
/// server drops it).
///
/// ```swift
/// let metadata = try PostgresMetadata(url: "postgres://spindle@db.internal/spindle")
/// let store = Store(root: localFolder, blobs: s3Blobs, metadata: metadata)
/// ```
///
/// Passwords never come from the URL (it is typed on command lines and
/// printed in messages): libpq reads them from `PGPASSWORD` or `~/.pgpass`.
public final class PostgresMetadata: MetadataDatabase, @unchecked Sendable {
    public var dialect: SQLDialect { .postgres }
    /// The URL without its query, for messages.
    public let location: String
    private let url: String
    /// The one connection, used by one transaction at a time.
    private var conn: PostgresConnection?
    private let lock = NSLock()

    /// How many times a transaction is tried when the database asks for a
    /// retry (serialization failures, deadlocks, two runs taking one number).
    static let attempts = 8

    /// Connects to `url` and, when `checkSchema`, creates or migrates the
    /// tables (under a lock, so two first users do not race).
    public init(url: String, checkSchema: Bool = true) throws {
        let parsed = try PostgresURL(url)
        self.url = parsed.connectionString
        self.location = parsed.location
        if checkSchema { try migrate() }
    }

    public func write<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        try transaction("BEGIN", body)
    }

    public func read<T>(_ body: (any MetadataConnection) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Reports nothing wrong: PostgreSQL checks its own pages. Answers as
    /// SQLite's check does when sound, after a round trip proves the server is there.
    public func integrityCheck() throws -> [String] {
        try read { c in _ = try c.fetchAll(sql: "SELECT 1", arguments: []) }
        return ["ok"]
    }

    /// Runs `body` between `begin` and COMMIT; retries it when PostgreSQL
    /// says to, or when the connection was lost before COMMIT was sent.
    private func transaction<T>(_ begin: String, _ body: (any MetadataConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            var attempt = 0
            while true {
                attempt += 1
                let conn: PostgresConnection
                do { conn = try open() } catch { throw storeError(error) }
                var committing = false
                do {
                    try conn.execute(sql: begin, arguments: [])
                    let value = try body(conn)
                    committing = true
                    try conn.execute(sql: "COMMIT", arguments: [])
                    return value
                } catch let e as PostgresError {
                    if !e.connectionLost { try? conn.execute(sql: "ROLLBACK", arguments: []) }
                    if e.connectionLost { self.conn = nil }
                    let retry = e.connectionLost ? !committing : e.isRetryable
                    if retry && attempt < Self.attempts {
                        usleep(UInt32(min(200_000, 1_000 << min(attempt, 8))) + UInt32.random(in: 0..<1_000))
                        continue
                    }
                    if e.connectionLost && committing {
                        throw StoreError.io("PostgreSQL at \(location) dropped the connection during COMMIT: the last write may or may not have landed; check with `show`")
                    }
                    throw storeError(e)
                } catch {
                    try? conn.execute(sql: "ROLLBACK", arguments: [])
                    throw error
                }
            }
        }
    }

    private func open() throws -> PostgresConnection {
        if let c = conn, c.isOpen { return c }
        conn = nil
        let c = try PostgresConnection(url: url, location: location)
        conn = c
        return c
    }

    private func storeError(_ error: any Error) -> any Error {
        guard let e = error as? PostgresError else { return error }
        return StoreError.io(e.description)
    }

    /// Creates the tables, or brings them to ``Store/schemaVersion``, as one
    /// transaction holding an advisory lock; refuses a newer schema.
    private func migrate() throws {
        try write { db in
            try db.execute(sql: "SELECT pg_advisory_xact_lock(7369606)")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS spindle_schema (version BIGINT NOT NULL)")
            let found = try db.fetchOne(sql: "SELECT MAX(version) AS version FROM spindle_schema")
                .flatMap { Int(sqlValue: $0[0]) } ?? 0
            if found > Store.schemaVersion {
                throw StoreError.newerSchema(found: found, supported: Store.schemaVersion)
            }
            guard found < Store.schemaVersion else { return }
            for (version, sql) in Store.schemaMigrations(.postgres) where version > found {
                for statement in sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    try db.execute(sql: String(statement))
                }
            }
            try db.execute(sql: "DELETE FROM spindle_schema")
            try db.execute(sql: "INSERT INTO spindle_schema (version) VALUES (?)", Store.schemaVersion)
        }
    }
}
