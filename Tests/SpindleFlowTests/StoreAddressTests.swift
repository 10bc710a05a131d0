import Foundation
import Testing
@testable import SpindleFlow

@Suite("Naming a store")
struct StoreAddressTests {
    /// A fresh folder, with `spindle.toml` holding `toml` when given.
    func project(_ toml: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-address-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        if let toml { try toml.write(to: dir.appendingPathComponent("spindle.toml"), atomically: true, encoding: .utf8) }
        return dir
    }

    @Test("--store comes first, then SPINDLE_STORE, then the nearest .spindle")
    func precedence() throws {
        let dir = try project()
        #expect(try StoreAddress.resolve(explicit: "/x/y", environment: ["SPINDLE_STORE": "/z"], from: dir, creating: true).place == .folder(URL(fileURLWithPath: "/x/y")))
        #expect(try StoreAddress.resolve(explicit: nil, environment: ["SPINDLE_STORE": "/z"], from: dir, creating: true).place == .folder(URL(fileURLWithPath: "/z")))
        #expect(try StoreAddress.resolve(explicit: nil, environment: [:], from: dir, creating: true).place == .folder(dir.appendingPathComponent(".spindle")))
    }

    @Test("a URL pair, a profile found from a subfolder, or else a folder")
    func forms() throws {
        let dir = try project("""
            [stores.prod]
            metadata = "postgres://spindle@db/spindle"
            blobs = "s3://bucket/prefix"
            """)
        let sub = dir.appendingPathComponent("sub")
        let profile = try StoreAddress(parsing: "prod", from: sub)
        #expect(profile.place == .shared(metadata: "postgres://spindle@db/spindle", blobs: "s3://bucket/prefix"))
        #expect(profile.profile == "prod")
        #expect(profile.description == "postgres://spindle@db/spindle,s3://bucket/prefix")
        #expect(try StoreAddress(parsing: "postgres://a@h1,h2/db,s3://b/p", from: sub).place == .shared(metadata: "postgres://a@h1,h2/db", blobs: "s3://b/p"))
        #expect(try StoreAddress(parsing: "elsewhere", from: sub).place == .folder(sub.appendingPathComponent("elsewhere")))
    }

    @Test("what names no store says what to write instead", arguments: [
        ("postgres://a@h/db", "a shared store needs its blobs too"),
        ("s3://bucket/p", "a shared store names its metadata first"),
        ("postgres://a@h/db,ftp://x", "blobs live at s3://BUCKET/PREFIX or in a folder"),
    ])
    func refused(text: String, message: String) throws {
        let error = #expect(throws: StoreAddressError.self) { try StoreAddress(parsing: text, from: try project()) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test("spindle.toml is checked: a misspelt key, a missing one, bad TOML each name the problem", arguments: [
        ("[stores.prod]\nmetadata = \"postgres://a@h/db\"\nblob = \"s3://b\"\n", "stores.prod has unknown key 'blob'"),
        ("[stores.prod]\nmetadata = \"postgres://a@h/db\"\n", "stores.prod needs blobs"),
        ("[store.prod]\nmetadata = \"x\"\n", "unknown table or key 'store'"),
        ("[stores.prod\n", "spindle.toml:1:"),
    ])
    func badConfig(toml: String, message: String) throws {
        let dir = try project(toml)
        let error = #expect(throws: StoreAddressError.self) { try StoreAddress(parsing: "prod", from: dir) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }
}
