import Foundation

/// What reading a line gave.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: the line was dropped.
    case interrupted
    /// Ctrl-D or the end of the input.
    case end
}

/// Where the shell's lines come from: libedit on a terminal, plain lines otherwise.
public protocol LineReader: AnyObject {
    /// The next line, shown after `prompt` (when there is a terminal to show it on).
    func read(prompt: String) -> LineInput
    /// Remembers an accepted line for Up/Down and Ctrl-R.
    func remember(_ line: String)
}

/// Lines from a file or pipe: no prompt, no editing (scripts and tests); on a terminal
/// without libedit, with the prompt (`showingPrompt`).
public final class PlainLineReader: LineReader {
    let showingPrompt: Bool
    public init(showingPrompt: Bool = false) { self.showingPrompt = showingPrompt }
    public func read(prompt: String) -> LineInput {
        if showingPrompt {
            FileHandle.standardOutput.write(Data(prompt.utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }
    public func remember(_ line: String) {}
}

/// The shell's line history for one project: `.spindle/history`, one entry
/// per line (newlines and backslashes escaped), appended as each line is
/// accepted with a single `O_APPEND` write, so two shells at once lose none.
/// Readable by its owner only.
public struct ShellHistory: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    /// Every entry, oldest first.
    public func load() -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { ShellHistory.decode(String($0)) }
    }

    /// Appends one entry.
    public func append(_ line: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let record = ShellHistory.encode(line) + "\n"
        _ = record.withCString { write(fd, $0, strlen($0)) }
    }

    static func encode(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func decode(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c == "n" ? "\n" : c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}
