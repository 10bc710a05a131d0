import Testing
@testable import SpindleShell

@Suite("Transcripts: format and matching")
struct TranscriptTests {
    @Test("inputs, expected output, comments and directives parse; rendering gives the text back")
    func parse() throws {
        let text = """
        #! flow: RatingsFlow --epochs 3
        # First a comment.
        > load latest
        loaded RatingsFlow/{{run}} (completed, started {{*}})

        > x = 1
        x = Int 1
        # Between entries.
        > show x
        \\# a line that starts with a hash
        {{...}}
        # the end

        """
        let t = try Transcript.parse(text)
        #expect(t.directives == ["flow": "RatingsFlow --epochs 3"])
        #expect(t.entries.map(\.input) == ["load latest", "x = 1", "show x"])
        #expect(t.entries[0].comments == ["# First a comment."])
        #expect(t.entries[0].expected == ["loaded RatingsFlow/{{run}} (completed, started {{*}})"])
        #expect(t.entries[2].comments == ["# Between entries."])
        #expect(t.entries[2].expected == ["# a line that starts with a hash", "{{...}}"])
        #expect(t.entries[2].line == 9)
        #expect(t.trailing == ["# the end"])
        let again = try Transcript.parse(t.rendered())
        func shape(_ t: Transcript) -> [String] { t.entries.map { "\($0.comments)|\($0.input)|\($0.expected)" } + t.trailing }
        #expect(shape(again) == shape(t))
        #expect(again.directives == t.directives)
    }

    /// Found by FuzzTranscript: ">\r\r" parsed to the input "\r", which
    /// rendered as "> \r" and parsed back to "".
    @Test("carriage returns at line ends are line ending, and round-trip", arguments: [">\r\r", "> x\r\n\r\nout\r\r\n", "> a\rb\n"])
    func carriageReturns(text: String) throws {
        let t = try Transcript.parse(text)
        let again = try Transcript.parse(t.rendered())
        #expect(again.entries.map(\.input) == t.entries.map(\.input))
        #expect(again.entries.map(\.expected) == t.entries.map(\.expected))
        #expect(!t.entries.contains { $0.input.hasSuffix("\r") })
    }

    @Test("malformed transcripts say which line and what is wrong", arguments: [
        ("output first\n> x", "line 1: output before any input line (inputs start with '> ')"),
        ("> x\n{{oops\n", "line 2: '{{' without a closing '}}'"),
        ("> x {{}}\n", "line 1: '{{}}' is not a placeholder: use {{*}}, {{...}} or {{name}}"),
        ("> x\ny {{a b}}\n", "line 2: '{{a b}}' is not a placeholder: use {{*}}, {{...}} or {{name}}"),
        ("#! colour: red\n", "line 1: unknown directive 'colour'; known: fails, flow, store"),
        ("#! flow RatingsFlow\n", "line 1: a directive is written #! name: value"),
        ("> x\n#! flow: A\n", "line 2: directives (#!) go before the first input line"),
    ])
    func malformed(text: String, message: String) {
        let e = #expect(throws: Transcript.ParseError.self) { try Transcript.parse(text) }
        #expect(e?.description == message)
    }

    @Test("wildcards match within a line and across lines")
    func wildcards() {
        var m = TranscriptMatcher()
        do { let r = m.matches(expected: ["done in {{*}} s"], actual: ["done in 0.25 s"]); #expect(r) }
        do { let r = m.matches(expected: ["done in {{*}} s"], actual: ["done in 0.25 ms"]); #expect(!r) }
        do { let r = m.matches(expected: ["a", "{{...}}", "z"], actual: ["a", "b", "c", "z"]); #expect(r) }
        do { let r = m.matches(expected: ["a", "{{...}}", "z"], actual: ["a", "z"]); #expect(r) }
        do { let r = m.matches(expected: ["a", "{{...}}", "z"], actual: ["a", "b"]); #expect(!r) }
        do { let r = m.matches(expected: ["a"], actual: ["a", "extra"]); #expect(!r) }
    }

    @Test("a capture binds where it first appears and must match after; inputs use it")
    func captures() {
        var m = TranscriptMatcher()
        do { let r = m.matches(expected: ["spun Flow/{{spin}}/train/1"], actual: ["spun Flow/spin-4/train/1"]); #expect(r) }
        #expect(m.captures["spin"] == "spin-4")
        #expect(m.substitute("diff 1/train/2 {{spin}}/train/1") == "diff 1/train/2 spin-4/train/1")
        do { let r = m.matches(expected: ["again {{spin}}"], actual: ["again spin-4"]); #expect(r) }
        do { let r = m.matches(expected: ["again {{spin}}"], actual: ["again spin-5"]); #expect(!r) }
    }

    @Test("a capture that binds differently on another path is not ruled out by an earlier failure")
    func backtracking() {
        var m = TranscriptMatcher()
        let r = m.matches(expected: ["{{...}}", "id {{x}}", "{{...}}", "ref {{x}}"], actual: ["id 1", "id 2", "ref 2"])
        #expect(r)
        #expect(m.captures["x"] == "2")
    }

    @Test("recording turns clock times and durations into wildcards")
    func generalize() {
        #expect(TranscriptMatcher.generalize("loaded F/1 (completed, started 2026-11-29 08:42:07)") == "loaded F/1 (completed, started {{*}})")
        #expect(TranscriptMatcher.generalize("✓ F/spin-1/train/1 completed in 0.46 s, against F/1/train/3:") == "✓ F/spin-1/train/1 completed in {{*}}, against F/1/train/3:")
        #expect(TranscriptMatcher.generalize("rmse 0.46") == "rmse 0.46")
    }
}
