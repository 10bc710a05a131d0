import Foundation
import Synchronization
import SpindleStore

/// Where the runtime talks to a person: task output with a task prefix, and
/// on a terminal a live progress line kept at the bottom.
public final class Console: Sendable {
    /// Whether stdout is a terminal (progress line, colour).
    public let isTerminal: Bool
    /// Whether to colour output (a terminal, and `NO_COLOR` unset).
    public let useColor: Bool
    /// Whether to echo each task's output lines.
    public let echoTaskOutput: Bool
    private let status = Mutex("")

    public init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1, echoTaskOutput: Bool = true) {
        self.isTerminal = isTerminal
        self.useColor = isTerminal && getenv("NO_COLOR") == nil
        self.echoTaskOutput = echoTaskOutput
    }

    /// A plain console that writes nowhere but the task logs (for library use and tests).
    public static let silent = Console(isTerminal: false, echoTaskOutput: false)

    /// Set once stdout's reader has gone (EPIPE): nothing more is written,
    /// and the work (a run, a spin) goes on to its end.
    private static let outputClosed = Atomic<Bool>(false)

    private static func emit(_ s: String) {
        if outputClosed.load(ordering: .relaxed) { return }
        if FileIO.writeAll(STDOUT_FILENO, s) == EPIPE { outputClosed.store(true, ordering: .relaxed) }
    }

    /// Writes a line, keeping the progress line below it on a terminal.
    public func line(_ text: String) {
        if self === Console.silent { return }
        status.withLock { st in
            if isTerminal && !st.isEmpty { Console.emit("\r\u{1B}[K" + text + "\n" + st) } else { Console.emit(text + "\n") }
        }
    }

    /// One line a task printed, prefixed with the task (`[train/4] …`).
    public func taskLine(_ task: String, _ text: String, isError: Bool) {
        guard echoTaskOutput else { return }
        let prefix = useColor ? "\u{1B}[2m[\(task)]\u{1B}[0m " : "[\(task)] "
        line(prefix + (isError && useColor ? "\u{1B}[33m\(text)\u{1B}[0m" : text))
    }

    /// Replaces the progress line (shown on a terminal only).
    public func setStatus(_ text: String) {
        guard isTerminal, self !== Console.silent else { return }
        status.withLock { st in
            st = text
            Console.emit("\r\u{1B}[K" + text)
        }
    }

    /// Removes the progress line.
    public func clearStatus() {
        guard isTerminal, self !== Console.silent else { return }
        status.withLock { st in
            if !st.isEmpty { Console.emit("\r\u{1B}[K") }
            st = ""
        }
    }

    /// `text` in a colour when colouring, plain otherwise.
    public func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
