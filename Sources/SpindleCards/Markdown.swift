/// A small, safe subset of markdown for the text a step writes on its card.
///
/// Blocks: `#`, `##`, `###` headings; paragraphs (lines up to a blank line);
/// fenced code blocks between lines starting with three backticks; `- ` and
/// `1. ` lists, one item a line (a following plain line continues the item).
/// Inline: `**bold**`, `*italic*`, `` `code` ``, `[text](https://…)` links,
/// and a backslash before punctuation to write it literally.
///
/// Safety, which is why this is not a full markdown: no raw HTML passes
/// through — every character of the source reaches the output escaped, and
/// the only tags are the ones this renderer writes. A link is made only for
/// an `http://` or `https://` target without spaces, quotes or angle
/// brackets; any other (`javascript:`, `data:`, relative) is left as the
/// escaped text it was written as.
public enum Markdown {
    /// The HTML for `s`: one element per block, joined by newlines.
    public static func html(_ s: String) -> String {
        var blocks: [String] = []
        // "\r\n" is one Character: split on it as well as on "\n" and "\r".
        var lines = s.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .map(String.init)[...]
        while let line = lines.first {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty {
                lines.removeFirst()
            } else if trimmed.hasPrefix("```") {
                lines.removeFirst()
                var code: [String] = []
                while let next = lines.first {
                    lines.removeFirst()
                    if next.drop(while: { $0 == " " }).hasPrefix("```") { break }
                    code.append(next)
                }
                blocks.append("<pre><code>" + HTMLText.escape(code.joined(separator: "\n")) + "</code></pre>")
            } else if let (level, text) = heading(line) {
                lines.removeFirst()
                blocks.append("<h\(level)>" + inline(text) + "</h\(level)>")
            } else if let list = listItem(line) {
                var items: [String] = []
                while let next = lines.first, let item = listItem(next), item.ordered == list.ordered {
                    lines.removeFirst()
                    var text = item.text
                    while let more = lines.first, continuesParagraph(more) {
                        lines.removeFirst()
                        text += "\n" + more.drop { $0 == " " }
                    }
                    items.append("<li>" + inline(text) + "</li>")
                }
                let tag = list.ordered ? "ol" : "ul"
                blocks.append("<\(tag)>\n" + items.joined(separator: "\n") + "\n</\(tag)>")
            } else {
                var text = String(line)
                lines.removeFirst()
                while let more = lines.first, continuesParagraph(more) {
                    lines.removeFirst()
                    text += "\n" + more
                }
                blocks.append("<p>" + inline(text) + "</p>")
            }
        }
        return blocks.joined(separator: "\n")
    }

    /// A line that neither ends a paragraph (blank) nor starts another block.
    private static func continuesParagraph(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return !trimmed.isEmpty && !trimmed.hasPrefix("```") && heading(line) == nil && listItem(line) == nil
    }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...3).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        return (hashes, String(rest.drop { $0 == " " }))
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        let body = line.drop { $0 == " " }
        guard line.count - body.count <= 3 else { return nil }
        if body.hasPrefix("- ") { return (false, String(body.dropFirst(2))) }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let rest = body.dropFirst(digits.count)
        guard rest.hasPrefix(". ") else { return nil }
        return (true, String(rest.dropFirst(2)))
    }

    // MARK: Inline

    /// Inline markup of one block's text, everything else escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        InlineParser(Array(text), links: true).render(into: &out)
        return out
    }
}

/// Reads one block's text left to right, writing escaped text and the few
/// inline tags the subset allows.
private struct InlineParser {
    let chars: [Character]
    let links: Bool

    init(_ chars: [Character], links: Bool) {
        self.chars = chars
        self.links = links
    }

    func render(into out: inout String) {
        var i = 0
        var plain = ""
        func flush() {
            if !plain.isEmpty { out += HTMLText.escape(plain); plain = "" }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, isEscapable(chars[i + 1]) {
                plain.append(chars[i + 1])
                i += 2
            } else if c == "`" {
                if let (end, code) = codeSpan(at: i) {
                    flush()
                    out += "<code>" + HTMLText.escape(code) + "</code>"
                    i = end
                } else {
                    // An unclosed run of backticks is text, the whole run.
                    while i < chars.count, chars[i] == "`" { plain.append("`"); i += 1 }
                }
            } else if c == "*", i + 1 < chars.count, chars[i + 1] == "*", let end = closing(double: true, from: i + 2) {
                flush()
                out += "<strong>"
                InlineParser(Array(chars[(i + 2)..<end]), links: links).render(into: &out)
                out += "</strong>"
                i = end + 2
            } else if c == "*", let end = closing(double: false, from: i + 1) {
                flush()
                out += "<em>"
                InlineParser(Array(chars[(i + 1)..<end]), links: links).render(into: &out)
                out += "</em>"
                i = end + 1
            } else if c == "[", links, let (end, text, url) = link(at: i) {
                flush()
                out += "<a href=\"" + HTMLText.attribute(url) + "\" rel=\"noopener noreferrer\" target=\"_blank\">"
                InlineParser(text, links: false).render(into: &out)
                out += "</a>"
                i = end
            } else {
                plain.append(c)
                i += 1
            }
        }
        flush()
    }

    private func isEscapable(_ c: Character) -> Bool {
        c.isASCII && (c.isPunctuation || c.isSymbol)
    }

    /// A run of backticks, the text, and the same run again: `(index after, text)`.
    private func codeSpan(at start: Int) -> (Int, String)? {
        var run = 0
        while start + run < chars.count, chars[start + run] == "`" { run += 1 }
        var i = start + run
        while i < chars.count {
            if chars[i] == "`" {
                var n = 0
                while i + n < chars.count, chars[i + n] == "`" { n += 1 }
                if n == run { return (i + n, String(chars[(start + run)..<i])) }
                i += n
            } else {
                i += 1
            }
        }
        return nil
    }

    /// Where the emphasis opened just before `from` closes: its first `*`.
    /// The opener must not be followed by a space, the closer not preceded
    /// by one, and the text between is not empty. A single `*` never closes
    /// on a `*` that is part of `**`.
    private func closing(double: Bool, from: Int) -> Int? {
        guard from < chars.count, !chars[from].isWhitespace else { return nil }
        var i = from + 1
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "*", !chars[i - 1].isWhitespace {
                if double {
                    if i + 1 < chars.count, chars[i + 1] == "*" { return i }
                } else {
                    let partOfDouble = (i + 1 < chars.count && chars[i + 1] == "*") || (i - 1 >= from && chars[i - 1] == "*")
                    if !partOfDouble { return i }
                    if i + 1 < chars.count, chars[i + 1] == "*" { i += 2; continue }
                }
            }
            i += 1
        }
        return nil
    }

    /// `[text](url)` at `start` with an allowed url: (index after, text, url).
    private func link(at start: Int) -> (Int, [Character], String)? {
        guard let close = chars[(start + 1)...].firstIndex(of: "]"),
              close + 1 < chars.count, chars[close + 1] == "(" else { return nil }
        var depth = 0
        var i = close + 2
        while i < chars.count {
            if chars[i] == "(" { depth += 1 }
            if chars[i] == ")" {
                if depth == 0 { break }
                depth -= 1
            }
            i += 1
        }
        guard i < chars.count else { return nil }
        let url = String(chars[(close + 2)..<i])
        guard Self.isAllowedURL(url), close > start + 1 else { return nil }
        return (i + 1, Array(chars[(start + 1)..<close]), url)
    }

    /// `http://` or `https://` (any case) and something after it, with no
    /// whitespace, quotes, angle brackets, backticks or control characters.
    static func isAllowedURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
        guard scheme > 0, url.unicodeScalars.count > scheme else { return false }
        return !url.unicodeScalars.contains { s in
            s.value <= 0x20 || s.value == 0x7F || s == "\"" || s == "'" || s == "<" || s == ">" || s == "`"
                || s.properties.isWhitespace
        }
    }
}
