import Foundation
import SpindleFlow
import SpindleLanguage
import SpindleStore

/// The interactive shell: libedit on a terminal (history in
/// `.spindle/history`, Tab completion), plain lines otherwise so scripts and
/// tests can drive it.
public enum Shell {
    /// Lets libedit's C callback reach the session; used only on the thread that reads lines.
    final class SessionBox: @unchecked Sendable {
        let session: ShellSession
        init(_ s: ShellSession) { session = s }
    }

    /// Runs the shell on `store`, loading `load` (a run id or pathspec; the
    /// latest completed run when nil). Returns the exit status, by one rule
    /// however the shell ends (`quit`, Ctrl-D, the end of its input): 1 when a
    /// line failed and the input is not a terminal (unless `keepGoing`), else 0.
    /// At a terminal a failed line is shown and the session goes on, so it
    /// does not decide the status.
    public static func run(store: Store, load: String?, keepGoing: Bool = false,
                           interactive: Bool = isatty(STDIN_FILENO) == 1, output: ShellOutput = .standard()) -> Int32 {
        let session = ShellSession(store: store, output: output)
        // However the shell ends, the spin process waiting for it ends with it, and is waited for.
        defer { session.standby?.discard() }
        let history = ShellHistory(path: store.root.appendingPathComponent("history").path)
        if (try? store.flows().isEmpty) == false || load != nil {
            do { try session.load(load) } catch {
                output.error("error: \(error)")
                if !interactive && !keepGoing { return 1 }
            }
        } else {
            output.line("the store has no runs yet: run a flow, then load latest")
        }
        var reader: any LineReader = PlainLineReader()
        if interactive {
            let box = SessionBox(session)
            do {
                reader = try EditLineReader(history: history.load()) { line, word, start in
                    box.session.completions(line: line, word: word, start: start)
                }
                // Ctrl-C while a line is evaluated stops it (the reader clears the flag before each line).
                session.interruption = Interruption { EditLineReader.interruptPending }
                output.line(output.dim("Spindle shell — help lists the commands; Tab completes; Ctrl-D leaves."))
            } catch {
                output.error("\(error)")
                reader = PlainLineReader(showingPrompt: true)
            }
        }
        var failed = false
        while !session.quitRequested {
            switch reader.read(prompt: interactive ? session.prompt : "") {
            case .end:
                if interactive { output.line("") }
                return exitStatus(failed: failed, interactive: interactive, keepGoing: keepGoing)
            case .interrupted:
                continue
            case .line(let line):
                if interactive, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    reader.remember(line)
                    history.append(line)
                }
                if !session.execute(line) {
                    failed = true
                    if !interactive && !keepGoing { return 1 }
                }
            }
        }
        return exitStatus(failed: failed, interactive: interactive, keepGoing: keepGoing)
    }

    /// The one rule for the shell's exit status (see ``run(store:load:keepGoing:interactive:output:)``).
    static func exitStatus(failed: Bool, interactive: Bool, keepGoing: Bool) -> Int32 {
        failed && !interactive && !keepGoing ? 1 : 0
    }
}
