import Foundation
import Synchronization

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
    /// The width of output off a terminal, and in transcripts.
    public static let plainWidth = 100
    private let captured = Mutex<String?>(nil)
    private let recorded = Mutex<String?>(nil)
    private let writeToStreams: Bool

    public init(useColor: Bool, width: Int = ShellOutput.plainWidth, writeToStreams: Bool = true) {
        self.colorAllowed = useColor
        self.terminalWidth = width
        self.writeToStreams = writeToStreams
    }

    /// Colour on a terminal without `NO_COLOR`; the terminal's width when known.
    public static func standard() -> ShellOutput {
        let tty = isatty(STDOUT_FILENO) == 1
        var ws = winsize()
        let width = tty && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col > 20 ? Int(ws.ws_col) : 100
        return ShellOutput(useColor: tty && ProcessInfo.processInfo.environment["NO_COLOR"] == nil, width: width)
    }

    /// Starts keeping a copy of everything written.
    public func startCapture() { captured.withLock { $0 = "" } }
    /// Stops keeping a copy and returns it.
    public func stopCapture() -> String { captured.withLock { let s = $0 ?? ""; $0 = nil; return s } }

    private func emit(_ text: String, fd: Int32) {
        captured.withLock { if $0 != nil { $0! += text } }
        recorded.withLock { if $0 != nil { $0! += text } }
        guard writeToStreams else { return }
        var t = text
        t.withUTF8 { b in
            var off = 0
            while off < b.count {
                let n = write(fd, b.baseAddress! + off, b.count - off)
                if n <= 0 { if errno == EINTR { continue }; break }
                off += n
            }
        }
    }

    /// Renders as off a terminal (no colour, 100 columns) while `on`: what a
    /// transcript records must be what replay produces.
    public func setPlain(_ on: Bool) { plain.store(on, ordering: .relaxed) }

    /// Starts a second copy, independent of capture (for `record`).
    public func startRecording() { recorded.withLock { $0 = "" } }
    /// Ends the second copy and returns it.
    public func stopRecording() -> String { recorded.withLock { let s = $0 ?? ""; $0 = nil; return s } }

    /// A line of results.
    public func line(_ text: String) { emit(text + "\n", fd: STDOUT_FILENO) }

    /// A line of error, in red on a terminal.
    public func error(_ text: String) { emit((useColor ? "\u{1B}[31m\(text)\u{1B}[0m" : text) + "\n", fd: STDERR_FILENO) }

    /// `text` dimmed on a terminal.
    public func dim(_ text: String) -> String { useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    /// `text` bold on a terminal.
    public func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    /// `text` in yellow on a terminal (changed things).
    public func mark(_ text: String) -> String { useColor ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
}
