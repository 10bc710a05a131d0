import Foundation
import Testing
import SpindleCards

/// The page as a file: it loads nothing from anywhere, is the same bytes for
/// the same card, and fetches only when asked to, from where it is served.
@Suite("Page")
struct PageTests {
    static func matches(_ pattern: String, in s: String) -> Int {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        return regex.numberOfMatches(in: s, range: NSRange(s.startIndex..., in: s))
    }

    @Test("self-contained: no URL but the markdown's link")
    func selfContained() {
        let html = CardPage.html(everyKindCard())
        #expect(Self.matches(#"src\s*=\s*["']?\s*(https?:|//)"#, in: html) == 0)
        #expect(Self.matches(#"href\s*=\s*["']?\s*(https?:|//)"#, in: html) == 1)
        #expect(html.contains("href=\"https://example.com/docs\""))
        #expect(Self.matches(#"url\s*\("#, in: html) == 0)
        #expect(Self.matches("@import", in: html) == 0)
        #expect(Self.matches("<link", in: html) == 0)
        #expect(Self.matches("<iframe|<object|<embed", in: html) == 0)
        #expect(!html.contains("fetch("))
        // Every image is inline.
        let images = ScannedHTML(html).tags.filter { $0.name == "img" }.compactMap { $0.attribute("src") }
        #expect(images.count == 2)
        #expect(images.allSatisfy { $0.hasPrefix("data:image/png;base64,") || $0.hasPrefix("data:image/jpeg;base64,") })
    }

    @Test("the same card gives the same bytes")
    func deterministic() {
        #expect(CardPage.html(everyKindCard()) == CardPage.html(everyKindCard()))
        #expect(CardPage.body(everyKindCard()) == CardPage.body(everyKindCard()))
    }

    @Test("a small card, exactly")
    func exactBody() {
        let card = Card(title: "Hi & bye", components: [.markdown("*x*"), .progress(label: "p", done: 1, total: 4)])
        #expect(CardPage.body(card) == """
            <header class="card-head">
            <h1>Hi &amp; bye</h1>
            </header>
            <section class="c markdown">
            <p><em>x</em></p>
            </section>
            <section class="c progress">
            <div class="progress-label"><span>p</span><span class="progress-value">1 / 4 · 25%</span></div>
            <progress value="0.25" max="1">25%</progress>
            </section>

            """)
        let html = CardPage.html(card)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(html.contains("<title>Hi &amp; bye</title>"))
        #expect(html.contains("<main id=\"spindle-card-body\">\n" + CardPage.body(card) + "</main>\n"))
        #expect(html.contains("@media (prefers-color-scheme:dark)"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
    }

    @Test("the body is what the page shows")
    func bodyInPage() {
        let card = everyKindCard(live: true)
        #expect(CardPage.html(card, refresh: "x").contains(CardPage.body(card)))
        #expect(CardPage.body(card).contains("<span class=\"live\" data-live=\"true\">live</span>updated 2025-03-01T12:00:00Z"))
        #expect(!CardPage.body(everyKindCard()).contains("data-live"))
    }

    @Test("refresh: only for a live card, and only a relative URL", arguments: [
        (true, "cards/42/body", true),
        (true, "/cards/42/body?x=1&y=2#z", true),
        (true, "body:part", false),
        (false, "cards/42/body", false),
        (true, "https://evil.example/body", false),
        (true, "//evil.example/body", false),
        (true, "javascript:alert(1)", false),
        (true, "a\"b", false),
        (true, "a</script>", false),
        (true, "a b", false),
        (true, "", false),
    ])
    func refresh(live: Bool, url: String, scripted: Bool) {
        let html = CardPage.html(Card(title: "t", live: live), refresh: url)
        #expect(occurrences(of: "<script", in: html) == (scripted ? 2 : 1))
        #expect(html.contains("fetch(") == scripted)
        if scripted {
            #expect(html.contains("var url=\"\(url)\";"))
            #expect(html.contains("setTimeout(tick,1000)"))
        }
        #expect(!CardPage.html(Card(title: "t", live: live)).contains("fetch("))
    }

    @Test("tables: padded rows, numbers aligned right")
    func table() {
        let html = CardPage.body(Card(title: "t", components: [
            .table(CardTable(columns: ["name", "loss"], rows: [["a", "1.5"], ["b"], ["c", "12 345", "extra"]])),
        ]))
        #expect(html.contains("<thead><tr><th>name</th><th class=\"num\">loss</th><th></th></tr></thead>"))
        #expect(html.contains("<tr><td>b</td><td class=\"num\"></td><td></td></tr>"))
        #expect(html.contains("<td class=\"num\">12 345</td>"))
        #expect(html.contains("<div class=\"scroll\"><table>"))
    }

    @Test("progress handles totals that are not positive")
    func progress() {
        let body = CardPage.body(Card(title: "t", components: [
            .progress(label: "a", done: 5, total: 0), .progress(label: "b", done: 30, total: 20),
        ]))
        #expect(body.contains("<span class=\"progress-value\">5 / 0</span></div>\n<progress value=\"0\" max=\"1\">0%</progress>"))
        #expect(body.contains("<span class=\"progress-value\">30 / 20 · 100%</span></div>\n<progress value=\"1\" max=\"1\">100%</progress>"))
    }
}
