import Foundation

/// A step's source as written: the lines from its declaration to the brace
/// that closes its body, read from the file and line its flow recorded.
public struct StepSource: Sendable, Equatable {
    /// The file the step is declared in.
    public var file: String
    /// The declaration's line (1-based).
    public var firstLine: Int
    /// The lines, from the declaration to the closing brace.
    public var lines: [String]

    /// The most lines read for one step.
    public static let maxLines = 400

    /// Why the source cannot be shown.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `step`'s source, or says why it cannot (the file is gone or changed).
    public init(_ step: FlowShape.StepShape) throws(Missing) {
        guard !step.file.isEmpty, step.line > 0 else {
            throw Missing(description: "the run did not record where '\(step.name)' is written")
        }
        guard let text = try? String(contentsOfFile: step.file, encoding: .utf8) else {
            throw Missing(description: "\(step.file) is not readable here (the run may have been made on another machine)")
        }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard step.line <= all.count else {
            throw Missing(description: "\(step.file) has \(all.count) lines, but '\(step.name)' was declared at line \(step.line): the file changed since the run")
        }
        file = step.file
        firstLine = step.line
        lines = StepSource.body(from: all[(step.line - 1)...].prefix(StepSource.maxLines).map(String.init))
    }

    /// The lines up to the one that closes the first brace opened, skipping
    /// braces inside string literals and `//` comments.
    static func body(from lines: [String]) -> [String] {
        var depth = 0, opened = false
        for (n, line) in lines.enumerated() {
            var inString = false, previous: Character = " "
            for c in line {
                if inString {
                    if c == "\"" && previous != "\\" { inString = false }
                } else if c == "\"" {
                    inString = true
                } else if c == "/" && previous == "/" {
                    break
                } else if c == "{" {
                    depth += 1; opened = true
                } else if c == "}" {
                    depth -= 1
                }
                previous = c
            }
            if opened && depth <= 0 { return Array(lines[...n]) }
        }
        return lines
    }

    /// The line a debugger stops at: the first line of code after the one
    /// that opens the body's brace (a declaration may wrap over several lines).
    public var firstBodyLine: Int {
        guard let opening = lines.firstIndex(where: { $0.contains("{") }) else { return firstLine }
        for i in lines.indices.dropFirst(opening + 1) {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            if !t.isEmpty, !t.hasPrefix("//") { return firstLine + i }
        }
        return firstLine
    }

    /// The lines numbered as an editor shows them.
    public var numbered: [String] {
        let width = String(firstLine + lines.count - 1).count
        return lines.enumerated().map { i, l in
            let n = String(firstLine + i)
            return String(repeating: " ", count: width - n.count) + n + "  " + l
        }
    }
}
