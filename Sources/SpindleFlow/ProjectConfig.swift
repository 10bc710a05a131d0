import Foundation
import TOMLKit

/// A project's `spindle.toml`: the named stores a team shares, written once.
///
/// ```toml
/// [stores.prod]
/// metadata = "postgres://spindle@db.internal/spindle"   # runs, tasks, artifact rows
/// blobs = "s3://ml-artifacts/spindle"                    # artifact bytes
/// ```
///
/// Every key is checked: a misspelt one is an error naming the line, not a
/// setting silently ignored.
public struct ProjectConfig: Sendable, Equatable {
    /// One `[stores.NAME]` table.
    public struct StoreProfile: Sendable, Equatable {
        public var metadata: String
        public var blobs: String
    }

    /// The file it was read from.
    public var file: URL
    /// The folder holding it: relative paths in it are relative to this.
    public var folder: URL { file.deletingLastPathComponent() }
    public var stores: [String: StoreProfile]

    /// The file name looked for.
    public static let fileName = "spindle.toml"

    /// The nearest `spindle.toml` walking up from `directory`, read; nil when there is none.
    public static func nearest(from directory: URL) throws -> ProjectConfig? {
        var dir = directory.standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate.path) { return try ProjectConfig(file: candidate) }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// Reads and checks `file`.
    public init(file: URL) throws {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw StoreAddressError("cannot read \(file.path): \(error.localizedDescription)")
        }
        try self.init(text: text, file: file)
    }

    /// Checks `text` as the contents of `file`.
    public init(text: String, file: URL) throws {
        self.file = file
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw StoreAddressError("\(file.path):\(e.source.begin.line):\(e.source.begin.column): \(e.description)")
        }
        let where_ = file.path
        var stores: [String: StoreProfile] = [:]
        for key in table.keys where key != "stores" {
            throw StoreAddressError("\(where_): unknown table or key '\(key)' (spindle.toml holds [stores.NAME] tables)")
        }
        if let value = table["stores"] {
            guard let all = value.table else { throw StoreAddressError("\(where_): 'stores' must be a table of [stores.NAME] tables") }
            for name in all.keys.sorted() {
                guard StoreAddress.isProfileName(name) else {
                    throw StoreAddressError("\(where_): store name '\(name)' must be a word (letters, digits, - and _)")
                }
                guard let profile = all[name]?.table else { throw StoreAddressError("\(where_): stores.\(name) must be a table") }
                for key in profile.keys where !["metadata", "blobs"].contains(key) {
                    throw StoreAddressError("\(where_): stores.\(name) has unknown key '\(key)' (it takes metadata and blobs)")
                }
                func text(_ key: String, _ example: String) throws -> String {
                    guard let s = profile[key]?.string, !s.isEmpty else {
                        throw StoreAddressError("\(where_): stores.\(name) needs \(key) = \"\(example)\"")
                    }
                    return s
                }
                stores[name] = StoreProfile(metadata: try text("metadata", "postgres://USER@HOST/DATABASE"),
                                            blobs: try text("blobs", "s3://BUCKET/PREFIX"))
            }
        }
        self.stores = stores
    }
}
