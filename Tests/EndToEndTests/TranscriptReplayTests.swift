import Foundation
import Testing

/// The folder of demo transcripts in the repository.
let transcriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples/transcripts")

@Suite("Transcripts replayed")
struct TranscriptReplayTests {
    /// The demos that need no server (a shared store's transcript is replayed by SharedStoreTests).
    static var demos: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: transcriptsFolder.path)) ?? []).filter { name in
            name.hasSuffix(".txt") && !((try? String(contentsOf: transcriptsFolder.appendingPathComponent(name), encoding: .utf8))?
                .contains("\n#! store:") ?? false)
        }.sorted()
    }

    @Test("there are at least three demos")
    func count() { #expect(Self.demos.count >= 3) }

    @Test("every demo transcript still produces its output", arguments: demos)
    func demo(name: String) throws {
        let box = try Sandbox()
        let out = try box.run("spindle", ["replay", transcriptsFolder.appendingPathComponent(name).path, "--check"])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.stdout.contains(", 0 failed"))
    }

    @Test("a wrong transcript fails --check with a readable diff; --update makes it pass")
    func wrongThenUpdate() throws {
        let box = try Sandbox()
        let file = box.dir.appendingPathComponent("wrong.txt")
        try """
        #! flow: HelloFlow
        > load latest
        loaded HelloFlow/1 (completed, started {{*}})
        > focus shout
        focused shout of HelloFlow/1: inputs times, greeting
        > greeting
        "goodbye, world"
        > times + 1
        4

        """.write(to: file, atomically: true, encoding: .utf8)
        let check = try box.run("spindle", ["replay", file.path, "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("""
            --- expected (\(file.path):6)
            +++ actual
            @@ > greeting @@
            - "goodbye, world"
            + "hello, world"
            """), "\(check.stdout)")
        #expect(check.stdout.hasSuffix("3 passed, 1 failed\n"))
        let update = try box.run("spindle", ["replay", file.path, "--update"])
        #expect(update.stdout.contains("updated 1 of 4 outputs"))
        #expect(try String(contentsOf: file, encoding: .utf8).contains("> greeting\n\"hello, world\"\n"))
        #expect(try box.run("spindle", ["replay", file.path, "--check"]).status == 0)
    }

    @Test("a transcript that does not parse exits with status 2 and says where")
    func unparsable() throws {
        let box = try Sandbox()
        let file = box.dir.appendingPathComponent("bad.txt")
        try "stray output\n> x\n".write(to: file, atomically: true, encoding: .utf8)
        let out = try box.run("spindle", ["replay", file.path, "--check"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("bad.txt: line 1: output before any input line"))
    }

    @Test("record in the shell writes a transcript that replays")
    func record() throws {
        let box = try Sandbox()
        #expect(try box.run("HelloFlow", ["run"]).status == 0)
        let file = box.dir.appendingPathComponent("recorded.txt").path
        let session = try box.runWithInput("spindle", ["shell"], input: "record \(file)\nfocus shout\nlen(greeting)\nstop\n")
        #expect(session.status == 0, "\(session.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("#! flow: HelloFlow --name world --times 3\n"))
        #expect(text.contains("> len(greeting)\n12\n"))
        let replay = try box.run("spindle", ["replay", file, "--check", "--store", box.storeRoot.path])
        #expect(replay.status == 0, "\(replay.output)")
    }
}
