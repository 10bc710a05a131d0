import Foundation
import Testing
import SpindleCards
@testable import SpindleFlow
import SpindleStore
import SpindleValue

/// Cards from a step: saved with the task whether it succeeds or fails, never
/// changing its result; the default card made from a task's records.
@Suite("Cards")
struct CardTests {
    enum Boom: Error { case after }

    static let flow = Flow("CardsFlow") {
        Parameter("rate", default: 0.5, help: "a rate")
        Step("start", next: .to("middle")) { t in
            t["xs"] = (0..<50).map { Double($0) * 0.5 }
            t["name"] = "first"
            t.card.markdown("# Hello")
            t.card.progress("work", done: 1, total: 4)
            t.card.progress("work", done: 4, total: 4)          // updated in place, not added
            t.card.line([1, 2, 3], name: "loss", title: "loss")
            t.card.line([1, 2, 3, 2], name: "loss", title: "loss")  // replaced: same title
            t.card.image([1, 2, 3], caption: "not an image")        // an error component, not a failure
            t.card.table([["a": 1, "b": "x"], ["a": 2]], title: "rows")
            print("hello from start")
        }
        Step("middle", next: .to("end")) { t in
            t.card.markdown("about to fail")
            throw Boom.after
        }
        Step("end") { _ in }
    }

    func run() async throws -> (Store, RunRecord) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-cards-\(UUID().uuidString)")
        let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
        let graph = try FlowGraph(Self.flow)
        var options = RunOptions()
        options.executor = InProcessExecutor(graph: graph)
        options.maxWorkers = 1
        return (store, try await Runtime(graph: graph, store: store, options: options, console: .silent).run())
    }

    @Test("a step's card is saved with its task, components as the step left them; a failing step's card is saved too")
    func saved() async throws {
        let (store, run) = try await run()
        #expect(run.status == .failed)
        let start = try #require(try store.tasks(flow: "CardsFlow", run: run.id).first { $0.step == "start" })
        #expect(start.status == .completed)
        let records = try store.cards(of: start.pathspec)
        #expect(records.map(\.name) == ["card"])
        #expect(records[0].live == false)
        let card = try #require(CardPage.components(in: try store.cardHTML(records[0])))
        #expect(card.title == start.pathspec.description)
        let kinds = card.components.map(\.kindName)
        #expect(kinds == ["markdown", "progress", "chart", "image", "table"], "\(kinds)")
        #expect(card.components[1] == .progress(label: "work", done: 4, total: 4))
        if case .chart(let c) = card.components[2] { #expect(c.series[0].y == [1, 2, 3, 2]) } else { Issue.record("no chart") }
        let html = try store.cardHTML(records[0])
        #expect(html.contains("is not a PNG or JPEG"), "a bad image is shown as an error")
        // The failed task's card was saved; its failure is the task's own error, not the card's.
        let middle = try #require(try store.tasks(flow: "CardsFlow", run: run.id).first { $0.step == "middle" })
        #expect(middle.status == .failed)
        #expect(middle.error?.contains("after") == true)
        #expect(try store.cards(of: middle.pathspec).count == 1)
        // gc keeps a run's card blobs.
        let report = try store.collectGarbage(spinsOlderThan: 0, grace: 0)
        #expect(report.blobs == 0)
        #expect(try store.cardHTML(records[0]) == html)
    }

    @Test("the default card: parameters, the graph with the step marked, artifacts and a chart of the small array, output, and the failure")
    func defaultCard() async throws {
        let (store, run) = try await run()
        let tasks = try store.tasks(flow: "CardsFlow", run: run.id)
        let start = try #require(tasks.first { $0.step == "start" })
        let card = try DefaultCard.make(for: start.pathspec, store: store)
        #expect(card.subtitle?.hasPrefix("start · completed in ") == true, "\(card.subtitle ?? "")")
        let text = CardPage.text(card)
        #expect(text.contains("rate"), "\(text)")
        #expect(card.components.contains { if case .artifact(let n, _, _) = $0 { n == "xs" } else { false } })
        #expect(card.components.contains { if case .chart(let c) = $0 { c.title == "xs" && c.series[0].y.count == 50 } else { false } })
        guard case .graph(let g)? = card.components.first(where: { if case .graph = $0 { true } else { false } }) else {
            Issue.record("no graph"); return
        }
        #expect(g.nodes.map(\.name) == ["start", "middle", "end"])
        #expect(g.nodes.map(\.state) == ["completed", "failed", "not run"])
        #expect(g.nodes.filter(\.isCurrent).map(\.name) == ["start"])
        let middle = try #require(tasks.first { $0.step == "middle" })
        let failed = try DefaultCard.make(for: middle.pathspec, store: store)
        #expect(failed.components.contains { if case .error(_, let m) = $0 { m.contains("after") } else { false } })
        // The page is self-contained: no request leaves it.
        let page = CardPage.html(card)
        #expect(!page.contains("src=\"http") && !page.contains("@import"))
    }

    @Test("refresh publishes a live card at most five times a second; the last save is not live")
    func refresh() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-cards-\(UUID().uuidString)")
        let store = try Store.open(at: dir.appendingPathComponent(".spindle"))
        let card = TaskCard(title: "F/1/s/1", subtitle: "s")
        final class Saves: @unchecked Sendable { var live: [Bool] = [] }
        let saves = Saves()
        card.setPublisher { html, live in
            saves.live.append(live)
            _ = try store.blobs.put(Array(html.utf8))
        }
        card.refresh()                      // nothing yet: nothing published
        #expect(saves.live.isEmpty)
        card.progress("p", done: 1, total: 3)
        card.refresh()
        card.refresh()                      // too soon: skipped
        #expect(saves.live == [true])
        usleep(250_000)
        card.progress("p", done: 2, total: 3)
        card.refresh()
        #expect(saves.live == [true, true])
        card.saveFinal()
        #expect(saves.live == [true, true, false])
    }

    @Test("a card that cannot be saved is reported and the task's result stands")
    func unsaved() {
        let card = TaskCard(title: "F/1/s/1", subtitle: "s")
        struct Refused: Error {}
        card.setPublisher { _, _ in throw Refused() }
        card.markdown("x")
        card.refresh()
        card.saveFinal()  // no throw, no crash
        #expect(!card.isEmpty)
    }
}
