import Foundation
import SpindleStore

/// Replays a transcript's input lines through a shell session and compares
/// each output with what the transcript expects.
public struct TranscriptReplay {
    /// One input line's outcome.
    public struct Result: Sendable {
        public var entry: Transcript.Entry
        public var actual: [String]
        public var matched: Bool
    }

    public let transcript: Transcript
    public let store: Store

    public init(transcript: Transcript, store: Store) {
        self.transcript = transcript
        self.store = store
    }

    /// Runs every input. `show` is called as each line is typed and with
    /// its output, for demos; `beforeLine` can pause (for `--step` and `--pace`).
    public func run(show: ((String, [String]) -> Void)? = nil, beforeLine: ((String) -> Void)? = nil) -> [Result] {
        let output = ShellOutput(useColor: false, width: 100, writeToStreams: false)
        let session = ShellSession(store: store, output: output)
        var matcher = TranscriptMatcher()
        var results: [Result] = []
        for entry in transcript.entries {
            let input = matcher.substitute(entry.input)
            beforeLine?(input)
            output.startCapture()
            session.execute(input)
            var actual = output.stopCapture().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while actual.last?.isEmpty == true { actual.removeLast() }
            show?(input, actual)
            let ok = matcher.matches(expected: entry.expected, actual: actual)
            results.append(Result(entry: entry, actual: actual, matched: ok))
            if session.quitRequested { break }
        }
        return results
    }

    /// A unified-style diff of one mismatch: what was expected, what came.
    public static func diff(_ r: Result, file: String) -> String {
        var lines = ["--- expected (\(file):\(r.entry.line))", "+++ actual", "@@ > \(r.entry.input) @@"]
        let e = r.entry.expected, a = r.actual
        // Longest common subsequence, so unchanged lines show as context.
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: a.count + 1), count: e.count + 1)
        for i in stride(from: e.count - 1, through: 0, by: -1) {
            for j in stride(from: a.count - 1, through: 0, by: -1) {
                var c = TranscriptMatcher()
                var caps = c.captures
                let same = TranscriptMatcher.line(e[i], a[j], &caps)
                c.captures = caps
                lcs[i][j] = same ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var i = 0, j = 0
        while i < e.count || j < a.count {
            var caps: [String: String] = [:]
            if i < e.count, j < a.count, TranscriptMatcher.line(e[i], a[j], &caps) {
                lines.append("  " + a[j]); i += 1; j += 1
            } else if i < e.count, j == a.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                lines.append("- " + e[i]); i += 1
            } else {
                lines.append("+ " + a[j]); j += 1
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The transcript with each mismatched entry's expected output replaced
    /// by what came (clock times and durations made wildcards).
    public static func updated(_ t: Transcript, with results: [Result]) -> Transcript {
        var out = t
        for (k, r) in results.enumerated() where !r.matched && k < out.entries.count {
            out.entries[k].expected = r.actual.map(TranscriptMatcher.generalize)
        }
        return out
    }
}
