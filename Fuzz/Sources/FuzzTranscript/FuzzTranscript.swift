import SpindleShell

/// Parses arbitrary text as a transcript. A parse either fails with a line
/// number and message or yields a transcript that renders to text parsing to
/// the same transcript; its expected output matches itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let transcript = try? Transcript.parse(text) else { return 0 }
    let again: Transcript
    do { again = try Transcript.parse(transcript.rendered()) } catch {
        fatalError("a rendered transcript does not parse: \(error)")
    }
    precondition(again.entries.map(\.input) == transcript.entries.map(\.input), "inputs changed in a round trip")
    precondition(again.entries.map(\.expected) == transcript.entries.map(\.expected), "expected output changed in a round trip")
    var matcher = TranscriptMatcher()
    for entry in transcript.entries {
        _ = matcher.substitute(entry.input)
        _ = matcher.matches(expected: entry.expected, actual: entry.expected)
        for line in entry.expected { _ = TranscriptMatcher.generalize(line) }
    }
    return 0
}
