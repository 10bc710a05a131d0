import Foundation
import FoundationXML
import Testing
import SpindleCards

/// Strings written to attack the page, in every field of every component:
/// none may open a tag, an attribute or a script, and every one must come
/// back exactly from the page's data.
@Suite("Hostile strings")
struct HostileStringTests {
    static let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'&amp;</script><!--<svg onload=alert(1)>"

    static func hostileCard(live: Bool) -> Card {
        let e = evil
        return Card(
            title: e, subtitle: e,
            components: [
                .markdown(e + "\n\n# " + e + "\n\n- " + e + "\n\n```\n" + e + "\n```\n\n[" + e + "](https://example.com/" + e + ") "
                          + "[" + e + "](https://example.com/ok) [x](javascript:alert(1)) *" + e + "* `" + e + "`"),
                .table(CardTable(title: e, columns: [e, e], rows: [[e, e], [e], ["1", e]])),
                .image(CardImage(bytes: samplePNG, caption: e)),
                .image(CardImage(bytes: Array(e.utf8), caption: e)),
                .chart(CardChart(.line, title: e, xLabel: e, yLabel: e, series: [CardSeries(e, y: [1, 2]), CardSeries(e, y: [2, 1])])),
                .chart(CardChart(.scatter, title: e, xLabel: e, yLabel: e, series: [CardSeries(e, x: [1, 2], y: [1, 2])])),
                .chart(CardChart(.bar, title: e, xLabel: e, yLabel: e, series: [CardSeries(e, y: [1, 2])], labels: [e, e])),
                .chart(CardChart(.histogram, title: e, xLabel: e, yLabel: e, series: [CardSeries(e, y: [1, 2, 2])])),
                .chart(CardChart(.line, title: e, series: [])),
                .artifact(name: e, type: e, summary: e),
                .progress(label: e, done: 1, total: 3),
                .facts(title: e, [CardFact(e, e)]),
                .log(title: e, lines: [e, e]),
                .error(title: e, message: e),
                .graph(CardGraph(nodes: [.init(e, state: e), .init(e + "2", state: "failed", isCurrent: true)],
                                 edges: [.init(e, e + "2")])),
            ],
            live: live, updated: e)
    }

    static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p", "span",
        "section", "figure", "figcaption", "img", "div", "table", "thead", "tbody", "tr", "th", "td", "pre", "code",
        "ul", "ol", "li", "strong", "em", "a", "progress", "script",
        "svg", "g", "rect", "text", "line", "path", "circle",
    ]

    @Test("no tag, attribute or script comes from a string", arguments: [false, true])
    func page(live: Bool) throws {
        let card = Self.hostileCard(live: live)
        let html = CardPage.html(card, refresh: live ? "cards/1/body" : nil)
        let scan = ScannedHTML(html)
        #expect(scan.problems.isEmpty, "\(scan.problems)")

        // The page's own scripts only: the data block, and the refresh when live.
        #expect(occurrences(of: "<script", in: html) == (live ? 2 : 1))
        #expect(scan.scripts.count == (live ? 2 : 1))
        for script in scan.scripts { #expect(!script.contains("<")) }
        #expect(scan.tags.filter { $0.name == "script" }.map { $0.attribute("type") ?? "" }
            == (live ? ["application/json", ""] : ["application/json"]))

        for tag in scan.tags {
            #expect(Self.allowedTags.contains(tag.name), "tag <\(tag.name)>")
            for attribute in tag.attributes {
                #expect(!attribute.name.hasPrefix("on"), "\(attribute.name) on <\(tag.name)>")
                #expect(!attribute.value.contains("<") && !attribute.value.contains(">"), "\(attribute.name) on <\(tag.name)>")
            }
        }
        // The page's own images only: data URIs of sniffed PNG/JPEG bytes.
        let images = scan.tags.filter { $0.name == "img" }
        #expect(images.count == 1)
        for image in images { #expect(image.attribute("src")?.hasPrefix("data:image/png;base64,") == true) }
        // Links only where the markdown wrote an allowed one.
        #expect(scan.tags.filter { $0.name == "a" }.map { $0.attribute("href") ?? "" } == ["https://example.com/ok"])
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("javascript:alert(1)\""))

        // And the strings come back exactly.
        #expect(CardPage.components(in: html) == card)
    }

    @Test("every SVG stays well-formed XML")
    func svgsParse() throws {
        for component in Self.hostileCard(live: false).components {
            let svg: String
            switch component {
            case .chart(let chart): svg = SVGChart.svg(chart)
            case .graph(let graph): svg = GraphSVG.svg(graph)
            default: continue
            }
            #expect(XMLParser(data: Data(svg.utf8)).parse(), "\(svg.prefix(200))")
            #expect(!svg.contains("<script") && !svg.contains("<img") && !svg.contains("<svg onload"))
        }
    }

    @Test("the text view keeps the strings as written, with no markup added")
    func text() {
        let text = CardPage.text(Self.hostileCard(live: false))
        #expect(text.hasPrefix("# " + Self.evil + "\n" + Self.evil + "\n"))
        #expect(text.contains("artifact " + Self.evil + " (" + Self.evil + ")\n" + Self.evil))
        #expect(!text.contains("&lt;"))
    }
}
