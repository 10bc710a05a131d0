import Foundation

/// A saved shell session: input lines and the output expected below each.
///
/// ```
/// #! flow: RatingsFlow --users 60 --epochs 3
/// # A first look at a run.
/// > load latest
/// loaded RatingsFlow/1 (completed, started {{*}})
/// > focus train 1
/// focused train [train 1 of 3] of RatingsFlow/1: inputs rates, ratings, input
/// ```
///
/// - `> ` starts an input line; the lines below it, up to the next input or
///   comment, are its expected output (trailing blank lines ignored).
/// - `#` starts a comment; `#! flow: NAME ARGS…` (before the first input)
///   names the sample flow to run into a fresh store before replaying.
/// - `{{*}}` matches any text within a line; a line that is only `{{...}}`
///   matches any number of lines.
/// - `{{name}}` captures the text (up to a space) where it first appears in
///   output; later it must match the same text, and in input lines it is
///   replaced by it.
/// - An output line that starts with `#`, `>` or `\` is written with a `\` before it.
public struct Transcript: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        /// Comment lines just above the input.
        public var comments: [String]
        public var input: String
        public var expected: [String]
        /// The line of the file the input is on (1-based).
        public var line: Int
    }

    public var directives: [String: String]
    public var entries: [Entry]
    /// Comments after the last entry.
    public var trailing: [String]

    /// A transcript that does not parse, with the line and what is wrong.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static let knownDirectives: Set<String> = ["flow", "store", "fails"]

    public static func parse(_ text: String) throws(ParseError) -> Transcript {
        var directives: [String: String] = [:]
        var entries: [Entry] = []
        var comments: [String] = []
        var current: Entry?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            // A line ends at LF; carriage returns before it (CRLF, or CRs
            // doubled by a tool) are line ending, not text: rendering cannot
            // keep them, so parsing must not either.
            var line = raw
            while line.hasSuffix("\r") { line.removeLast() }
            if line.hasPrefix("#!") {
                guard entries.isEmpty, current == nil else {
                    throw ParseError(line: n, message: "directives (#!) go before the first input line")
                }
                let body = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                guard let colon = body.firstIndex(of: ":") else {
                    throw ParseError(line: n, message: "a directive is written #! name: value")
                }
                let name = body[..<colon].trimmingCharacters(in: .whitespaces)
                guard knownDirectives.contains(name) else {
                    throw ParseError(line: n, message: "unknown directive '\(name)'; known: \(knownDirectives.sorted().joined(separator: ", "))")
                }
                directives[name] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                continue
            }
            if line.hasPrefix("#") {
                if let c = current { entries.append(c); current = nil }
                comments.append(line)
                continue
            }
            if line.hasPrefix(">") {
                if let c = current { entries.append(c) }
                let input = line.hasPrefix("> ") ? String(line.dropFirst(2)) : String(line.dropFirst())
                try checkPlaceholders(input, line: n)
                current = Entry(comments: comments, input: input, expected: [], line: n)
                comments = []
                continue
            }
            guard current != nil else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { comments.append(line); continue }
                throw ParseError(line: n, message: "output before any input line (inputs start with '> ')")
            }
            var out = line
            if out.hasPrefix("\\") { out.removeFirst() }
            try checkPlaceholders(out, line: n)
            current!.expected.append(out)
        }
        if let c = current { entries.append(c) }
        for i in entries.indices { while entries[i].expected.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { entries[i].expected.removeLast() } }
        return Transcript(directives: directives, entries: entries, trailing: comments.filter { !$0.isEmpty })
    }

    static func checkPlaceholders(_ s: String, line: Int) throws(ParseError) {
        var rest = Substring(s)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ParseError(line: line, message: "'{{' without a closing '}}'")
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            if name != "*" && name != "..." && !isName(name) {
                throw ParseError(line: line, message: "'{{\(name)}}' is not a placeholder: use {{*}}, {{...}} or {{name}}")
            }
            rest = rest[close.upperBound...]
        }
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && s.allSatisfy(\.isASCII)
    }

    /// The transcript as text (what `--update` writes).
    public func rendered() -> String {
        var out: [String] = []
        for (k, v) in directives.sorted(by: { $0.key < $1.key }) { out.append("#! \(k): \(v)") }
        for e in entries {
            out += e.comments
            out.append("> " + e.input)
            out += e.expected.map { $0.hasPrefix("#") || $0.hasPrefix(">") || $0.hasPrefix("\\") ? "\\" + $0 : $0 }
        }
        out += trailing
        return out.joined(separator: "\n") + "\n"
    }
}

/// Matches actual output against expected lines with wildcards and captures.
public struct TranscriptMatcher {
    /// Values captured so far by `{{name}}`.
    public var captures: [String: String] = [:]

    public init() {}

    /// `text` with each `{{name}}` replaced by its captured value.
    public func substitute(_ text: String) -> String {
        var s = text
        for (k, v) in captures { s = s.replacingOccurrences(of: "{{\(k)}}", with: v) }
        return s
    }

    /// Whether `actual` matches `expected`; on success, new captures are kept.
    public mutating func matches(expected: [String], actual: [String]) -> Bool {
        // Failures are remembered per position and captures: a line's match depends on both.
        var memo: Set<String> = []
        var found: [String: String] = [:]
        func go(_ i: Int, _ j: Int, _ caps: [String: String]) -> Bool {
            if i == expected.count { if j == actual.count { found = caps; return true }; return false }
            if expected[i] == "{{...}}" {
                for k in j...actual.count where go(i + 1, k, caps) { return true }
                return false
            }
            guard j < actual.count else { return false }
            let key = "\(i)/\(j)/\(caps.sorted { $0.key < $1.key })"
            if memo.contains(key) { return false }
            var c = caps
            if TranscriptMatcher.line(expected[i], actual[j], &c) && go(i + 1, j + 1, c) { return true }
            memo.insert(key)
            return false
        }
        guard go(0, 0, captures) else { return false }
        captures = found
        return true
    }

    /// Whether one line matches, binding new captures.
    static func line(_ pattern: String, _ text: String, _ caps: inout [String: String]) -> Bool {
        // Split the pattern into literal pieces and placeholders.
        var pieces: [(literal: String, hole: String?)] = []
        var rest = Substring(pattern)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            pieces.append((String(rest[..<open.lowerBound]), String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        pieces.append((String(rest), nil))
        let chars = Array(text)
        func go(_ p: Int, _ at: Int, _ caps: [String: String]) -> [String: String]? {
            let (lit, hole) = pieces[p]
            let litChars = Array(lit)
            guard at + litChars.count <= chars.count, Array(chars[at..<(at + litChars.count)]) == litChars else { return nil }
            let after = at + litChars.count
            guard let hole else { return after == chars.count ? caps : nil }
            if hole == "*" {
                for end in after...chars.count { if let r = go(p + 1, end, caps) { return r } }
                return nil
            }
            if let bound = caps[hole] {
                let b = Array(bound)
                guard after + b.count <= chars.count, Array(chars[after..<(after + b.count)]) == b else { return nil }
                return go(p + 1, after + b.count, caps)
            }
            var end = after
            while end < chars.count, !chars[end].isWhitespace {
                end += 1
                var c = caps
                c[hole] = String(chars[after..<end])
                if let r = go(p + 1, end, c) { return r }
            }
            return nil
        }
        guard let r = go(0, 0, caps) else { return false }
        caps = r
        return true
    }

    /// A line with what varies between runs — clock times, durations — made wildcards.
    public static func generalize(_ line: String) -> String {
        var s = line
        let patterns = [#"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, #"\d+\.\d+ s\b"#, #"\d+(\.\d+)? ms\b"#, #"\d+ µs"#,
                        #"(?<=peak memory )\d+(\.\d+)? ([KMGT]B|bytes?)"#]
        for p in patterns {
            s = s.replacingOccurrences(of: p, with: "{{*}}", options: .regularExpression)
        }
        return s
    }
}
