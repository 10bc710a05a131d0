import CLibEdit
import Foundation

/// Set by SIGINT while libedit reads, so that a NULL from `readline` can tell
/// a cancelled line from the end of input.
nonisolated(unsafe) private var interruptedFlag: sig_atomic_t = 0

/// The completer libedit calls back into (its callbacks capture nothing).
nonisolated(unsafe) private var activeCompleter: (@Sendable (_ line: String, _ word: String, _ start: Int) -> [String])?
nonisolated(unsafe) private var pendingMatches: [String] = []

/// Lines from a terminal through libedit: editing, Up/Down history, Ctrl-R
/// search, Tab completion. Ctrl-C drops the line being typed; Ctrl-D ends.
public final class EditLineReader: LineReader {
    /// libedit could not be loaded (``CLibEdit``): the shell reads plain lines instead.
    public struct Unavailable: Error, CustomStringConvertible {
        public let reason: String
        public var description: String {
            "line editing is off: libedit could not be loaded (\(reason)); apt-get install libedit2"
        }
    }

    /// Loads libedit (on first use: no other process maps it) and sets it up: locale for
    /// UTF-8 input, word breaks that keep `model.weights` and `Flow/3/train` whole, the
    /// completer, and the SIGINT handler (without `SA_RESTART`, so `readline` returns).
    public init(history: [String], complete: @escaping @Sendable (_ line: String, _ word: String, _ start: Int) -> [String]) throws(Unavailable) {
        var reason = [CChar](repeating: 0, count: 512)
        guard spindle_editline_load(&reason, reason.count) == 0 else {
            throw Unavailable(reason: reason.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        if setlocale(LC_CTYPE, "") == nil || !String(cString: nl_langinfo(nl_item(CODESET))).uppercased().contains("UTF") {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        spindle_set_readline_name(strdup("spindle"))
        // No '-' among the breaks: `spin-3` is one word (a pathspec's run), so it completes.
        spindle_set_word_break_characters(strdup(" \t\n\"'([{,=+*%<>!&|:"))
        // Before using_history, which initialises libedit and reads this once.
        TerminalKeys.install()
        spindle_using_history()
        spindle_stifle_history(2000)
        for line in history.suffix(2000) { spindle_add_history(line) }
        activeCompleter = complete
        spindle_set_attempted_completion_function { text, start, _ in
            spindle_set_attempted_completion_over(1)
            let word = text.map { String(cString: $0) } ?? ""
            let line = spindle_line_buffer().map { String(cString: $0) } ?? ""
            pendingMatches = activeCompleter?(line, word, Int(start)) ?? []
            if pendingMatches.isEmpty { return nil }
            // A space only after a finished word: not after a pathspec's folder
            // (`RatingsFlow/1/train/`), a function's `(`, or a member (`ratings.values`),
            // where the next character belongs to the same word.
            let unfinished = word.contains(".") || word.contains("/")
                || pendingMatches.allSatisfy { $0.hasSuffix("/") || $0.hasSuffix("(") || $0.contains(".") || $0.contains("/") }
            spindle_set_completion_append_character(unfinished ? 0 : 0x20)
            return spindle_completion_matches(text) { _, state in
                if state == 0 { pendingMatches = pendingMatches.reversed() }
                guard let next = pendingMatches.popLast() else { return nil }
                return strdup(next)
            }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptedFlag = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent that started us from a thread with SIGINT blocked (a libdispatch worker does) passes the mask
        // on: Ctrl-C would then never reach the handler while a line is evaluated.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }

    public func read(prompt: String) -> LineInput {
        interruptedFlag = 0
        guard let raw = spindle_readline(prompt) else {
            if interruptedFlag != 0 {
                interruptedFlag = 0
                FileHandle.standardOutput.write(Data("\n".utf8))
                return .interrupted
            }
            return .end
        }
        defer { free(raw) }
        if interruptedFlag != 0 { interruptedFlag = 0; return .interrupted }
        return .line(String(cString: raw))
    }

    public func remember(_ line: String) { spindle_add_history(line) }

    /// Whether Ctrl-C was pressed since the line was read; unlike ``takeInterrupt()`` it leaves the flag set,
    /// so that every check of a line's evaluation sees it.
    public static var interruptPending: Bool { interruptedFlag != 0 }

    /// Whether Ctrl-C was pressed since the last check (while a command ran).
    public static func takeInterrupt() -> Bool {
        defer { interruptedFlag = 0 }
        return interruptedFlag != 0
    }
}
