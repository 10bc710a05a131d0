import Foundation
import Testing

/// A flow binary and the `spindle` tool parse a plain subcommand on its own
/// (the root's whole command tree costs a fresh process milliseconds), and
/// leave help and mistakes to the root's parser, so those read as always.
@Suite("Command lines")
struct CommandLineTests {
    static let directly = "parsed runs directly"

    @Test("a well-formed subcommand is parsed on its own and does its work", arguments: ["HelloFlow", "spindle"])
    func direct(binary: String) throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let out = try box.run(binary, ["runs", "--limit", "5"], environment: ["SPINDLE_TRACE": "1"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains(Self.directly), "\(out.stderr)")
        #expect(out.stdout.contains("completed"), "\(out.stdout)")
    }

    @Test("help and mistakes go to the root's parser and read as they always did", arguments: [
        (["runs", "--limit", "x"], 64, "Error: The value 'x' is invalid for '--limit <limit>'"),
        (["runs", "--limit", "x"], 64, "Usage: HelloFlow runs ["),
        (["spin", "--nope"], 64, "Error: Unknown option '--nope'"),
        (["runs", "--help"], 0, "USAGE: HelloFlow runs ["),
        (["help", "runs"], 0, "USAGE: HelloFlow runs ["),
        (["nothing"], 64, "Error: Unexpected argument 'nothing'"),
        (["runs", "--limit", "0"], 64, "Error: --limit must be at least 1, not 0"),
    ])
    func root(arguments: [String], status: Int32, message: String) throws {
        let box = try Sandbox()
        let out = try box.run("HelloFlow", arguments, environment: ["SPINDLE_TRACE": "1"])
        #expect(out.status == status)
        #expect(out.output.contains(message), "\(out.output)")
        #expect(!out.stderr.contains("directly"), "\(out.stderr)")
    }

    @Test("a plain spin is parsed by hand and runs; one with a mistake reads as ArgumentParser's")
    func spin() throws {
        let box = try ratingsSandbox()
        let out = try box.run("RatingsFlow", ["spin", "train", "--index", "1", "--set", "input=0.2", "--no-rebuild"],
                              environment: ["SPINDLE_TRACE": "1"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stderr.contains("parsed spin by hand"), "\(out.stderr)")
        #expect(out.stdout.contains("~ rate: 0.01 → 0.2"), "\(out.stdout)")
        let bad = try box.run("RatingsFlow", ["spin", "train", "--index", "one", "--no-rebuild"], environment: ["SPINDLE_TRACE": "1"])
        #expect(bad.status == 64)
        #expect(!bad.stderr.contains("by hand"))
        #expect(bad.stderr.contains("Error: The value 'one' is invalid for '--index <N[.N…]>'"), "\(bad.stderr)")
    }

    @Test("an error the command throws while running reads as the root's")
    func runtimeError() throws {
        let box = try Sandbox()
        let out = try box.run("spindle", ["runs"], environment: ["SPINDLE_TRACE": "1"])
        #expect(out.status == 1)
        #expect(out.stderr.contains(Self.directly), "\(out.stderr)")
        #expect(out.stderr.contains("Error: no Spindle store (.spindle) in"), "\(out.stderr)")
    }

    @Test("a --store that holds no store is named as given, with how to make one there")
    func emptyStoreFolder() throws {
        let box = try Sandbox()
        let empty = box.dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for binary in ["spindle", "RatingsFlow"] {
            let out = try box.run(binary, ["runs", "--store", empty.path])
            #expect(out.status == 1)
            #expect(out.stderr.contains("no Spindle store at \(empty.path) (it has no meta.sqlite); a flow's first run makes one there: FLOW run --store \(empty.path)"), "\(out.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: empty.appendingPathComponent("meta.sqlite").path))
    }
}
