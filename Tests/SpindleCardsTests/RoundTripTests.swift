import Foundation
import Testing
import SpindleCards

/// A page carries its card: `components(in:)` gives back exactly what was
/// rendered, images included, and refuses pages that are not ours.
@Suite("Reading a page back")
struct RoundTripTests {
    @Test("every kind of component comes back equal")
    func everyKind() throws {
        let card = everyKindCard()
        let html = CardPage.html(card)
        let back = try #require(CardPage.components(in: html))
        #expect(back == card)
        #expect(back.components.count == card.components.count)
        // The live flag and the refresh script do not change the data.
        let live = everyKindCard(live: true)
        #expect(CardPage.components(in: CardPage.html(live, refresh: "body")) == live)
    }

    @Test("an image's bytes are in the page once, and come back from its <img>")
    func imageOnce() throws {
        let bytes = samplePNG + Array(repeating: 0xAB, count: 300)
        let card = Card(title: "img", components: [.markdown("x"), .image(CardImage(bytes: bytes, caption: "c"))])
        let html = CardPage.html(card)
        let base64 = try #require(ScannedHTML(html).tags.first { $0.name == "img" }?.attribute("src"))
            .replacingOccurrences(of: "data:image/png;base64,", with: "")
        #expect(base64.count == (bytes.count + 2) / 3 * 4)
        #expect(occurrences(of: base64, in: html) == 1)
        #expect(CardPage.components(in: html) == card)
    }

    @Test("bytes that are not PNG or JPEG are kept, shown as an error")
    func badImage() throws {
        let card = Card(title: "img", components: [.image(CardImage(bytes: Array("<svg onload=x>".utf8), caption: "logo"))])
        let html = CardPage.html(card)
        #expect(html.contains("Image not shown"))
        #expect(html.contains("is not a PNG or JPEG: 14 bytes starting 3C 73 76 67."))
        #expect(!html.contains("<img"))
        #expect(CardPage.components(in: html) == card)
    }

    @Test("NaN and infinities survive the JSON")
    func nonFinite() throws {
        let card = Card(title: "n", components: [.chart(CardChart(.line, series: [CardSeries(y: [.nan, .infinity, -.infinity, 1])])),
                                                  .progress(label: "p", done: .nan, total: 0)])
        let html = CardPage.html(card)
        #expect(html.contains("[\"nan\",\"inf\",\"-inf\",1]"))
        let back = try #require(CardPage.components(in: html))
        guard case .chart(let chart) = back.components[0], case .progress(_, let done, _) = back.components[1] else {
            Issue.record("wrong kinds: \(back.components)")
            return
        }
        #expect(chart.series[0].y[0].isNaN)
        #expect(Array(chart.series[0].y.dropFirst()) == [.infinity, -.infinity, 1])
        #expect(done.isNaN)
    }

    @Test("the JSON is flat and names each component")
    func jsonShape() {
        let html = CardPage.html(Card(title: "t", components: [
            .markdown("m"), .artifact(name: "a", type: "Int", summary: "3"),
            .graph(CardGraph(nodes: [.init("s", state: "completed", isCurrent: true)], edges: [])),
        ]))
        #expect(html.contains("<script type=\"application/json\" id=\"spindle-card\">{\"components\":["
            + "{\"component\":\"markdown\",\"text\":\"m\"},"
            + "{\"component\":\"artifact\",\"name\":\"a\",\"summary\":\"3\",\"type\":\"Int\"},"
            + "{\"component\":\"graph\",\"edges\":[],\"nodes\":[{\"current\":true,\"name\":\"s\",\"state\":\"completed\"}]}"
            + "],\"live\":false,\"title\":\"t\"}</script>"))
    }

    @Test("a component of an unknown kind is read as an error naming it")
    func unknownKind() throws {
        let html = "<script type=\"application/json\" id=\"spindle-card\">{\"title\":\"t\",\"components\":[{\"component\":\"hologram\"},{\"component\":\"markdown\",\"text\":\"ok\"}]}</script>"
        let card = try #require(CardPage.components(in: html))
        #expect(card.title == "t" && card.live == false)
        #expect(card.components.count == 2)
        guard case .error(let title, let message) = card.components[0] else {
            Issue.record("not an error: \(card.components[0])")
            return
        }
        #expect(title == "Unknown component")
        #expect(message.contains("\"hologram\""))
        #expect(card.components[1] == .markdown("ok"))
    }

    @Test("pages that are not ours give nil", arguments: [
        "",
        "<html><body>hello</body></html>",
        "<script type=\"application/json\" id=\"spindle-card\">{\"title\":",
        "<script type=\"application/json\" id=\"spindle-card\">{\"title\":1}</script>",
        "<script type=\"application/json\" id=\"spindle-card\">[]</script>",
    ])
    func notOurs(html: String) {
        #expect(CardPage.components(in: html) == nil)
    }

    @Test("the text a person would read")
    func text() {
        let card = Card(title: "eval", subtitle: "Flow/1/eval/2", components: [
            .markdown("**Accuracy** rose.\n"),
            .table(CardTable(title: "Top", columns: ["id", "note"], rows: [["1", "a\tb"], ["2", "c\nd"]])),
            .facts(title: "Params", [CardFact("lr", "0.1")]),
            .chart(CardChart(.line, title: "Loss", xLabel: "step", series: [CardSeries("train", y: [3, .nan, 1, 2]),
                                                                             CardSeries("val", y: [])])),
            .chart(CardChart(.histogram, series: [CardSeries(y: [1, 2])])),
            .progress(label: "batches", done: 3, total: 12),
            .log(title: "Log", lines: ["one", "two"]),
            .image(CardImage(bytes: samplePNG, caption: "cm")),
            .error(title: "Failed", message: "boom\n"),
            .graph(CardGraph(nodes: [.init("a", state: "completed"), .init("b", state: "failed", isCurrent: true)],
                             edges: [.init("a", "b")])),
        ], live: true, updated: "12:00")
        #expect(CardPage.text(card) == """
            # eval
            Flow/1/eval/2
            live, updated 12:00

            **Accuracy** rose.

            ## Top
            id\tnote
            1\ta b
            2\tc d

            ## Params
            lr: 0.1

            line chart "Loss" (x: step): train, 4 points, y from 1 to 3, last 2; val, 0 points

            histogram chart: 2 values

            batches: 3 / 12 (25%)

            ## Log
            one
            two

            [image: cm (PNG, 67 bytes)]

            Error: Failed
            boom

            ## Flow graph
            a: completed
            b: failed (this task)
            edges: a → b

            """)
    }
}
