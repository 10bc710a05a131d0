import Foundation
import SpindleCards
import SpindleFlow
import SpindleStore
import SpindleValue

extension RunBrowser {
    /// A task: its facts, artifacts (summaries; full values one click away), cards, logs, and its spins or original.
    func taskPage(_ spec: Pathspec) throws -> String {
        let task = try store.task(spec)
        let run = try store.run(flow: task.flow, id: task.run)
        let artifacts = try store.artifacts(of: spec)
        let cards = try store.cards(of: spec)
        let segments = [task.flow, task.run.description, task.step, String(task.id)]
        var facts: [(String, String)] = [("status", task.status.rawValue), ("attempts", String(task.attempt + 1)),
                                          ("started", Browse.time(task.started)),
                                          ("duration", Browse.seconds(task.ended.map { $0.timeIntervalSince(task.started) }))]
        if let p = task.placement { facts.append(("ran on", p.description)) }
        if let e = task.error { facts.append(("error", e)) }
        var rows: [String] = []
        for a in artifacts {
            let link = Page.path(["value"] + segments + [a.name])
            rows.append("""
            <tr><td><a href="\(link)">\(Page.h(a.name))</a>\(a.isOwn ? "" : " <span class=\"muted\">(passed on)</span>")</td>\
            <td>\(Page.h(a.type))</td><td class="num">\(a.size)</td><td>\(Page.h(a.summary))</td></tr>
            """)
        }
        // Spins of this task, or the task this spin re-ran: each with its diff.
        var related: [String] = []
        if task.run.isSpin, let original = run.originTask {
            related.append("<p>a spin of <a href=\"\(Page.path(["task"] + original.split(separator: "/").map(String.init)))\">\(Page.h(original))</a>: "
                           + "<a id=\"diff-original\" href=\"/diff?old=\(Page.query(original))&amp;new=\(Page.query(spec.description))\">diff against it</a></p>")
        }
        let spins = try store.spins(reRunning: spec)
        if !spins.isEmpty {
            var items: [String] = []
            for s in spins {
                let spun = try store.tasks(flow: s.flow, run: s.id, step: task.step, parents: false).first
                guard let spun else { continue }
                let spunSpec = spun.pathspec.description
                items.append("<li><a href=\"\(Page.path(["task", spun.flow, spun.run.description, spun.step, String(spun.id)]))\">\(Page.h(spunSpec))</a> "
                             + "\(Page.status(s.statusText)) · \(Page.h(Browse.parametersText(s.overrides ?? .null))) · "
                             + "<a class=\"spin-diff\" href=\"/diff?old=\(Page.query(spec.description))&amp;new=\(Page.query(spunSpec))\">diff</a></li>")
            }
            related.append("<h2>Spins of this task</h2><ul id=\"spins\">\(items.joined())</ul>")
        }
        let cardLinks = ([DefaultCard.name] + cards.map(\.name)).map { name -> String in
            let record = cards.first { $0.name == name }
            return "<li><a class=\"card-link\" href=\"\(Page.path(["card"] + segments + [name]))\">\(Page.h(name))</a>"
                + (record.map { " <span class=\"muted\">\($0.live ? "live, " : "")\($0.size) bytes</span>" } ?? " <span class=\"muted\">(made from the records)</span>") + "</li>"
        }.joined()
        let shown = cards.first?.name ?? DefaultCard.name
        var logText = ""
        for log in try store.logs(task: spec) {
            logText += "── attempt \(log.attempt + 1) ──\n" + RunBrowser.tail(log.stdout) + RunBrowser.tail(log.stderr)
        }
        let body = """
        <h1>\(Page.h(spec.description)) \(Page.status(task.status.rawValue))</h1>
        \(Page.facts(facts))
        \(related.joined(separator: "\n"))
        <h2>Artifacts</h2>
        <div class="scroll"><table id="artifacts"><thead><tr><th>name</th><th>type</th><th>bytes</th><th>summary</th></tr></thead>
        <tbody>\(rows.joined(separator: "\n"))</tbody></table></div>
        <h2>Cards</h2><ul id="cards">\(cardLinks)</ul>
        <iframe id="card" title="card" src="\(Page.path(["card"] + segments + [shown]))"></iframe>
        <h2>Output</h2><pre id="logs">\(Page.h(logText.isEmpty ? "(nothing printed)" : logText))</pre>
        """
        return Page.html(title: spec.description,
                         crumbs: [("runs", "/"), (run.pathspec.description, Page.path(["run", run.flow, run.id.description])), ("\(task.step)/\(task.id)", nil)],
                         body: body, refreshSeconds: task.status == .running && !run.isAbandoned ? 2 : nil)
    }

    /// The last 64 KiB of a stream, whole lines.
    static func tail(_ s: String) -> String {
        let limit = 64 * 1024
        guard s.utf8.count > limit else { return s.isEmpty || s.hasSuffix("\n") ? s : s + "\n" }
        let cut = s.utf8.index(s.utf8.endIndex, offsetBy: -limit)
        let rest = String(s[cut...])
        return "… (the first \(s.utf8.count - limit) bytes left out)\n" + (rest.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? rest)
    }

    /// An artifact's value in full (bounded), and a chart of it when it is a numeric array.
    func valuePage(_ spec: Pathspec, artifact name: String) throws -> String {
        guard let record = try store.artifacts(of: spec).first(where: { $0.name == name }) else {
            throw StoreError.noSuch("artifact '\(name)' of \(spec)", suggestion: nil)
        }
        let value = try store.load(record)
        var chart = ""
        if case .numeric(let n) = value, n.rank == 1, n.count > 1 {
            chart = "<div class=\"chart\">" + SVGChart.svg(CardChart(.line, title: name, series: [CardSeries(name, y: n.doubles())])) + "</div>"
        }
        let text = value.rendered(width: 120, lines: RunBrowser.valueLines)
        let body = """
        <h1>\(Page.h(spec.description))/\(Page.h(name))</h1>
        \(Page.facts([("type", record.type), ("bytes", String(record.size)), ("sha256", record.hash), ("summary", record.summary)]))
        \(chart)
        <pre id="value">\(Page.h(text))</pre>
        <p class="muted">at most \(RunBrowser.valueLines) lines are shown; <code>spindle show</code> or <code>spindle export</code> gives all of it</p>
        """
        return Page.html(title: "\(spec)/\(name)",
                         crumbs: [("runs", "/"), (spec.description, Page.path(["task", spec.flow, spec.run!.description, spec.step!, String(spec.task!)])), (name, nil)],
                         body: body)
    }

    /// A card's page: a card the task made (the live one polls for its body), or the default card.
    func cardPage(_ spec: Pathspec, name: String, bodyOnly: Bool) throws -> HTTPResponse {
        let segments = [spec.flow, spec.run!.description, spec.step!, String(spec.task!)]
        if name == DefaultCard.name {
            let card = try DefaultCard.make(for: spec, store: store)
            return HTTPResponse(html: bodyOnly ? CardPage.body(card) : CardPage.html(card))
        }
        guard let record = try store.cards(of: spec).first(where: { $0.name == name }) else {
            throw StoreError.noSuch("card '\(name)' of \(spec)", suggestion: nil)
        }
        let html = try store.cardHTML(record)
        if bodyOnly {
            guard let card = CardPage.components(in: html) else { return HTTPResponse(html: "") }
            return HTTPResponse(html: CardPage.body(card))
        }
        // A live card is served with its refresh: the page polls its body while the task runs.
        if record.live, let card = CardPage.components(in: html) {
            return HTTPResponse(html: CardPage.html(card, refresh: Page.path(["card-body"] + segments + [name])))
        }
        return HTTPResponse(html: html)
    }

    /// Two tasks' outputs compared: every change, and numeric arrays drawn over each other.
    func diffPage(old: Pathspec, new: Pathspec) throws -> String {
        let diff = try store.diffTasks(old: old, new: new)
        var charts: [String] = []
        let olds = try store.artifacts(of: old), news = try store.artifacts(of: new)
        for a in news {
            guard let b = olds.first(where: { $0.name == a.name }), a.hash != b.hash, a.type.hasPrefix("["),
                  case .numeric(let x)? = try? store.load(b), case .numeric(let y)? = try? store.load(a),
                  x.rank == 1, y.rank == 1, x.count <= 1_000_000, y.count <= 1_000_000 else { continue }
            charts.append("<div class=\"chart\">" + SVGChart.svg(CardChart(.line, title: a.name, series: [
                CardSeries(old.description, y: x.doubles()), CardSeries(new.description, y: y.doubles())])) + "</div>")
        }
        let lines = diff.isEmpty ? "outputs unchanged" : diff.description
        let body = """
        <h1>\(Page.h(old.description)) → \(Page.h(new.description))</h1>
        <pre id="diff">\(Page.h(lines))</pre>
        \(charts.isEmpty ? "" : "<h2>Arrays, old and new</h2>" + charts.joined(separator: "\n"))
        """
        return Page.html(title: "diff", crumbs: [("runs", "/"), ("diff", nil)], body: body)
    }
}
