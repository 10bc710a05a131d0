import Testing
import SpindleCards

/// Exact escapes: text content keeps quotes, attributes lose them, and
/// nothing else changes except the control characters XML forbids.
@Suite("Escaping")
struct EscapingTests {
    @Test("text content", arguments: [
        ("plain", "plain"),
        ("", ""),
        ("a<b", "a&lt;b"),
        ("x>y", "x&gt;y"),
        ("&amp;", "&amp;amp;"),
        ("\"quoted\" 'single'", "\"quoted\" 'single'"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("tab\there\nnew\r\nline", "tab\there\nnew\r\nline"),
        ("nul\u{0}esc\u{1B}", "nul\u{FFFD}esc\u{FFFD}"),
        ("é 日本 🎉", "é 日本 🎉"),
    ])
    func text(input: String, expected: String) {
        #expect(HTMLText.escape(input) == expected)
    }

    @Test("attribute values", arguments: [
        ("plain", "plain"),
        ("\"", "&quot;"),
        ("'", "&#39;"),
        ("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#39;"),
        ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("x\u{7}y", "x\u{FFFD}y"),
        ("🎉", "🎉"),
    ])
    func attribute(input: String, expected: String) {
        #expect(HTMLText.attribute(input) == expected)
    }
}
