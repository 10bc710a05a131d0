import ArgumentParser
import Foundation
import SpindleFlow
import SpindleShell
import SpindleStore

struct ReplayTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a shell transcript: as a demo, or with --check as a test.",
        discussion: """
        By default the transcript runs against a fresh temporary store, seeded by running the sample flow its \
        '#! flow:' line names (built next to spindle); with '#! store: NAME' that run goes to the shared store NAME \
        (a profile of the spindle.toml found from here) instead, for a transcript that loads NAME:Flow. --store \
        uses an existing store instead. The format is in \
        docs/transcripts.md. Exit status: 0 when every output matched (or without --check), 1 when one did not, \
        2 when the transcript does not parse.
        """)
    @Argument(help: "The transcript file.") var file: String
    @Flag(help: "Compare each output with the transcript; print a diff for each mismatch.") var check = false
    @Flag(help: "Rewrite the transcript's expected output with what came, where it differs.") var update = false
    @Option(help: "Type each input at this many milliseconds a character (for demos).") var pace: Int?
    @Flag(help: "Wait for Enter before each input (for demos).") var step = false
    @Option(help: "Replay against this store instead of a fresh one.") var store: String?

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let transcript: Transcript
        do { transcript = try Transcript.parse(text) } catch {
            FileHandle.standardError.write(Data("error: \(file): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let storeRoot: URL
        if let store {
            storeRoot = URL(fileURLWithPath: store)
        } else {
            storeRoot = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-replay-\(UUID().uuidString)/.spindle")
        }
        defer { if store == nil { try? FileManager.default.removeItem(at: storeRoot.deletingLastPathComponent()) } }
        if store == nil { try seed(transcript, into: storeRoot) }
        // Opened by address, as every command opens a store: a mirrored run's blobs come from its shared store.
        let replay = TranscriptReplay(transcript: transcript, store: try StoreAddress(.folder(storeRoot)).open(creating: true))
        let quiet = check || update
        let pace = self.pace, step = self.step
        // Written unbuffered, so typed characters appear as they are typed.
        func emit(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }
        let results = replay.run(show: quiet ? nil : { _, output in
            for line in output { emit(line + "\n") }
        }, beforeLine: quiet ? nil : { input in
            if step {
                emit("> ")
                _ = Swift.readLine()
                emit("\u{1B}[1A\u{1B}[2K")
            }
            emit("> ")
            if let pace, pace > 0 {
                for ch in input { emit(String(ch)); usleep(useconds_t(pace * 1000)) }
                emit("\n")
                usleep(useconds_t(pace * 10_000))
            } else {
                emit(input + "\n")
            }
        })
        let failed = results.filter { !$0.matched }
        if update {
            if failed.isEmpty {
                emit("\(file): all \(results.count) outputs match; nothing to update\n")
            } else {
                try Data(TranscriptReplay.updated(transcript, with: results).rendered().utf8).write(to: URL(fileURLWithPath: file))
                emit("\(file): updated \(failed.count) of \(results.count) outputs\n")
            }
            return
        }
        if check {
            for f in failed { emit(TranscriptReplay.diff(f, file: file) + "\n") }
            emit("\(file): \(results.count - failed.count) passed, \(failed.count) failed\n")
            if !failed.isEmpty { throw ExitCode.failure }
        }
    }

    /// Runs the sample flow the transcript names into a fresh store.
    func seed(_ t: Transcript, into root: URL) throws {
        guard let directive = t.directives["flow"] else { return }
        let words = directive.split(separator: " ").map(String.init)
        guard let name = words.first, Pathspec.isIdentifier(name) else {
            throw ValidationError("'#! flow: \(directive)' does not name a flow")
        }
        let binary = URL(fileURLWithPath: currentExecutable()).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("the transcript needs the flow \(name), which is not built next to spindle (swift build --product \(name))")
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // A shared store's transcript: the run goes there, and the session mirrors it into the fresh local store.
        var target = root.path
        if let shared = t.directives["store"] {
            let address = try StoreAddress(parsing: shared)
            guard address.isShared, address.profile == shared else {
                throw ValidationError("'#! store: \(shared)' names no shared store in a spindle.toml here ([stores.\(shared)])")
            }
            target = shared
        }
        let out = LineCollector()
        let status = try runStreaming(binary, ["run", "--store", target] + Array(words.dropFirst()),
                                      environment: ["NO_COLOR": "1"], line: { l, _ in out.append(l) }, interrupted: { false })
        // `#! fails: WHY` seeds with a run that is meant to fail (a post-mortem's transcript); it must then fail.
        if let why = t.directives["fails"] {
            guard status.code == 1 else {
                throw ValidationError("'#! fails: \(why)': the seeding run of \(name) was meant to fail, but it \(status):\n" + out.text)
            }
        } else if !status.succeeded {
            throw ValidationError("seeding the store with \(name) failed (\(status)):\n" + out.text)
        }
    }
}
