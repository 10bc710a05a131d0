import Foundation
import SpindleStore
import SpindleValue
import OrderedCollections
import SpindleFlow

/// Writes a shell session to a transcript that replays clean on a fresh
/// store: output is rendered as off a terminal (no colour, 100 columns),
/// clock times and durations become wildcards, and the run and spin ids the
/// session meets become captures, bound where they first appear, so that a
/// store whose spins are numbered differently still matches.
///
/// Recording starts from a state replay can rebuild: the `#! flow:` line
/// runs the loaded run's flow with its parameters, `load latest` loads it,
/// the focus is re-made, and the values the user made or changed before
/// `record` are written as assignments.
struct TranscriptRecorder {
    /// The transcript file.
    let path: String
    /// The flow whose ids are captured.
    let flow: String?
    /// Each id met so far (`3`, `spin-16`) and the capture that stands for it.
    private var captures: [(id: String, name: String)] = []
    private var spinCount = 0

    init(path: String, flow: String?) {
        self.path = path
        self.flow = flow
    }

    /// The directive, load, focus and assignments that rebuild `session`'s
    /// state; `run` becomes the `{{run}}` capture. Throws when a value cannot
    /// be written as a literal, so nothing is recorded that cannot replay.
    mutating func header(for session: ShellSession) throws -> String {
        var lines: [String] = []
        guard let run = session.run else {
            return "# Recorded with spindle shell; replay with: spindle replay \(path) --check\n"
        }
        var directive = "#! flow: \(run.flow)"
        if case .object(let params) = run.parameters {
            for (name, value) in params {
                guard let word = TranscriptRecorder.argument(value) else {
                    throw ShellError("cannot record: parameter \(name) (\(value.summary(width: 30))) cannot be written on the '#! flow:' line")
                }
                directive += " --\(name) \(word)"
            }
        }
        lines.append(directive)
        lines.append("# Recorded with spindle shell; replay with: spindle replay \(path) --check")
        lines.append("> load latest")
        lines.append("loaded \(run.flow)/{{run}} ({{*}})")
        captures.append((run.id.description, "run"))
        // The user's own values first (focus keeps them, in order), then the
        // focus, then the inputs changed on it.
        func assign(_ name: String, _ v: ShellVariable) throws {
            guard let value = v.current else { return }
            guard let literal = TranscriptRecorder.literal(value) else {
                throw ShellError("cannot record: \(name) (\(value.summary(width: 40))) is too large or not plain JSON to write into the transcript; record before making it, or reset \(name) first")
            }
            lines.append("> \(name) = \(literal)")
            lines.append("{{...}}")
        }
        for (name, v) in session.variables { if case .user = v.source { try assign(name, v) } }
        if let focus = session.focus {
            lines.append("> focus \(focus.step)" + focus.index.indices.map { " \($0)" }.joined())
            lines.append("{{...}}")
        }
        for (name, v) in session.variables where v.changed && v.isInput { try assign(name, v) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One input line and its output, as transcript text.
    mutating func entry(input: String, output: String) -> String {
        let recordedInput = substituteKnown(input)
        var lines = TranscriptRecorder.withoutEscapes(output).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        let expected = lines.map { capture(TranscriptMatcher.generalize($0)) }
        return Transcript(directives: [:], entries: [.init(comments: [], input: recordedInput, expected: expected, line: 0)],
                          trailing: []).rendered()
    }

    /// An input line with the ids output has shown replaced by their captures.
    private func substituteKnown(_ line: String) -> String {
        var s = line
        for (id, name) in captures where id.hasPrefix("spin-") {
            s = TranscriptRecorder.replacing(id, in: s, with: "{{\(name)}}")
        }
        return s
    }

    /// An output line with every spin id made a capture (new ones named as
    /// they appear) and the loaded run's id made `{{run}}` where it follows the flow.
    private mutating func capture(_ line: String) -> String {
        var s = line
        if let flow, let run = captures.first(where: { $0.name == "run" }) {
            s = TranscriptRecorder.replacing("\(flow)/\(run.id)", in: s, with: "\(flow)/{{run}}")
        }
        guard let regex = try? Regex(#"spin-\d+"#) else { return s }
        for match in s.matches(of: regex).reversed() {
            let id = String(s[match.range])
            let name: String
            if let known = captures.first(where: { $0.id == id }) {
                name = known.name
            } else {
                spinCount += 1
                name = "spin\(spinCount)"
                captures.append((id, name))
            }
            s.replaceSubrange(match.range, with: "{{\(name)}}")
        }
        return s
    }

    /// `text` with every whole occurrence of `id` (not followed by a digit) replaced.
    static func replacing(_ id: String, in text: String, with replacement: String) -> String {
        guard let regex = try? Regex(NSRegularExpression.escapedPattern(for: id) + #"(?![0-9])"#) else { return text }
        return text.replacing(regex, with: replacement)
    }

    /// Terminal escape sequences (colour, cursor) removed.
    static func withoutEscapes(_ text: String) -> String {
        guard let regex = try? Regex("\u{1B}\\[[0-9;?]*[A-Za-z]") else { return text }
        return text.replacing(regex, with: "")
    }

    /// A value as a shell literal, when it is plain JSON of modest size.
    static func literal(_ value: Value, limit: Int = 4096) -> String? {
        // Elements, not bytes, first: a large array is refused without writing it out.
        var budget = limit / 2
        guard value.fitsElements(&budget), !value.containsNonFinite else { return nil }
        let text = value.jsonText()
        return text.utf8.count <= limit ? text : nil
    }

    /// A parameter's value as one word of a command line.
    static func argument(_ value: Value) -> String? {
        switch value {
        case .int(let i): String(i)
        case .double(let d) where d.isFinite: "\(d)"
        case .bool(let b): b ? "true" : "false"
        case .string(let s) where !s.isEmpty && !s.contains(where: \.isWhitespace): s
        default: nil
        }
    }
}

extension Value {
    /// Whether a NaN or infinity is inside (JSON cannot say them).
    var containsNonFinite: Bool {
        switch self {
        case .double(let d): !d.isFinite
        case .array(let a): a.contains { $0.containsNonFinite }
        case .object(let o): o.values.contains { $0.containsNonFinite }
        case .numeric(let n): n.elementType.isFloatingPoint && n.indices.count > 0
            && (0..<n.count).contains { !n.double(at: $0).isFinite }
        default: false
        }
    }

    /// Whether the value has at most `budget` elements in all (decremented as they are counted).
    func fitsElements(_ budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        switch self {
        case .array(let a):
            for x in a where !x.fitsElements(&budget) { return false }
        case .object(let o):
            for x in o.values where !x.fitsElements(&budget) { return false }
        case .numeric(let n):
            budget -= n.count
        case .string(let s):
            budget -= s.utf8.count / 8
        case .bytes:
            return false  // no JSON literal for bytes
        default: break
        }
        return budget >= 0
    }
}
