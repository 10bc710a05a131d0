import Foundation
import Synchronization
import SpindleStore

/// Where the shell writes: stdout for results, stderr for errors, colour
/// only on a terminal and never with `NO_COLOR`; everything written can
/// also be captured (for transcripts and tests).
public final class ShellOutput: Sendable {
    /// Whether to colour (a terminal without `NO_COLOR`, and not while recording).
    public var useColor: Bool { colorAllowed && !plain.load(ordering: .relaxed) }
    /// The width to fit values to (100 while recording, as off a terminal).
    public var width: Int { plain.load(ordering: .relaxed) ? ShellOutput.plainWidth : terminalWidth }
    private let colorAllowed: Bool
    private let terminalWidth: Int
    private let plain = Atomic<Bool>(false)
    /// Whether stdout is a terminal, where long lines are folded at spaces
    /// rather than left for the terminal to cut mid-number.
    private let folds: Bool
    /// The width of output off a terminal, and in transcripts.
    public static let plainWidth = 100
    private let captured = Mutex<String?>(nil)
    private let recorded = Mutex<String?>(nil)
    private let writeToStreams: Bool

    public init(useColor: Bool, width: Int = ShellOutput.plainWidth, writeToStreams: Bool = true, foldsLongLines: Bool = false) {
        self.colorAllowed = useColor
        self.terminalWidth = width
        self.folds = foldsLongLines
        self.writeToStreams = writeToStreams
    }

    /// Colour on a terminal without `NO_COLOR`; the terminal's width when known.
    public static func standard() -> ShellOutput {
        let tty = isatty(STDOUT_FILENO) == 1
        var ws = winsize()
        let width = tty && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col > 20 ? Int(ws.ws_col) : 100
        return ShellOutput(useColor: tty && ProcessInfo.processInfo.environment["NO_COLOR"] == nil, width: width,
                           foldsLongLines: tty)
    }

    /// Starts keeping a copy of everything written.
    public func startCapture() { captured.withLock { $0 = "" } }
    /// Stops keeping a copy and returns it.
    public func stopCapture() -> String { captured.withLock { let s = $0 ?? ""; $0 = nil; return s } }

    private func emit(_ text: String, fd: Int32) {
        captured.withLock { if $0 != nil { $0! += text } }
        recorded.withLock { if $0 != nil { $0! += text } }
        guard writeToStreams else { return }
        _ = FileIO.writeAll(fd, text)
    }

    /// Renders as off a terminal (no colour, 100 columns) while `on`: what a
    /// transcript records must be what replay produces.
    public func setPlain(_ on: Bool) { plain.store(on, ordering: .relaxed) }

    /// Starts a second copy, independent of capture (for `record`).
    public func startRecording() { recorded.withLock { $0 = "" } }
    /// Ends the second copy and returns it.
    public func stopRecording() -> String { recorded.withLock { let s = $0 ?? ""; $0 = nil; return s } }

    /// Whether output goes to a terminal (and is not being recorded).
    public var isTerminal: Bool { folds && !plain.load(ordering: .relaxed) }

    /// A line of results.
    public func line(_ text: String) { emit(text + "\n", fd: STDOUT_FILENO) }

    /// A line of results that may be long (a diff line, a step's output): on a
    /// terminal it is folded at spaces to the width, continuing indented, so
    /// no number is cut in two; elsewhere (pipes, transcripts) it stays whole.
    public func longLine(_ text: String) {
        guard folds, !plain.load(ordering: .relaxed) else { return line(text) }
        line(ShellOutput.fold(text, width: terminalWidth))
    }

    /// `text` folded at spaces so each line fits `width` where it can; a
    /// continuation is indented four more than the line's own indent.
    public static func fold(_ text: String, width: Int) -> String {
        let visible = text.count
        guard visible > width, width > 20 else { return text }
        let lead = text.prefix { $0 == " " }
        let indent = String(repeating: " ", count: lead.count + 4)
        var lines: [String] = []
        var current = String(lead)
        var empty = true  // whether `current` holds only its indent
        for word in text.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false) {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = indent + word
            } else {
                current += (empty ? "" : " ") + word
            }
            empty = false
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// A line of error, in red on a terminal.
    public func error(_ text: String) { emit((useColor ? "\u{1B}[31m\(text)\u{1B}[0m" : text) + "\n", fd: STDERR_FILENO) }

    /// `text` dimmed on a terminal.
    public func dim(_ text: String) -> String { useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    /// `text` bold on a terminal.
    public func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    /// `text` in yellow on a terminal (changed things).
    public func mark(_ text: String) -> String { useColor ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
}
