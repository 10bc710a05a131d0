import Foundation
import SpindleCards
import SpindleFlow
import SpindleStore
import SpindleValue

extension RunBrowser {
    /// Every flow's runs, newest first, filtered by `q` (any text of the row) and `flow`; spins with `spins=1`.
    func runsPage(_ query: [String: String]) throws -> String {
        let spins = query["spins"] == "1"
        let filter = (query["q"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let flow = query["flow"].flatMap { $0.isEmpty ? nil : $0 }
        // A filter reads further back, then keeps the first matches.
        let fetched = try store.runs(flow: flow, spins: spins, limit: filter.isEmpty ? RunBrowser.runLimit : 20 * RunBrowser.runLimit)
        var rows: [String] = []
        var shown = 0
        for r in fetched {
            let params = Browse.parametersText(r.parameters)
            let line = "\(r.flow) \(r.id) \(r.statusText) \(params) \(r.tags.joined(separator: " "))".lowercased()
            if !filter.isEmpty, !line.contains(filter) { continue }
            shown += 1
            if shown > RunBrowser.runLimit { break }
            let link = Page.path(["run", r.flow, r.id.description])
            rows.append("""
            <tr><td><a href="\(link)">\(Page.h(r.flow))/\(Page.h(r.id.description))</a></td><td>\(Page.status(r.statusText))</td>\
            <td>\(Page.h(Browse.time(r.started)))</td><td class="num">\(Page.h(Browse.seconds(r.duration)))</td>\
            <td>\(Page.h(params))</td></tr>
            """)
        }
        let flows = try store.flows()
        let options = ([""] + flows).map { f in
            "<option value=\"\(HTMLText.attribute(f))\"\(f == (flow ?? "") ? " selected" : "")>\(Page.h(f.isEmpty ? "every flow" : f))</option>"
        }.joined()
        let body = """
        <h1>\(spins ? "Spins" : "Runs")</h1>
        <form method="get" action="/">
          <input type="search" name="q" value="\(HTMLText.attribute(query["q"] ?? ""))" placeholder="filter: status, parameter, id, tag…">
          <select name="flow">\(options)</select>
          \(spins ? "<input type=\"hidden\" name=\"spins\" value=\"1\">" : "")
          <button type="submit">filter</button>
          <a href="/\(spins ? "" : "?spins=1")">\(spins ? "runs" : "spins")</a>
        </form>
        <div class="scroll"><table id="runs"><thead><tr><th>run</th><th>status</th><th>started</th><th>duration</th><th>parameters</th></tr></thead>
        <tbody>\(rows.joined(separator: "\n"))</tbody></table></div>
        \(rows.isEmpty ? "<p class=\"muted\">no \(spins ? "spins" : "runs")\(filter.isEmpty ? "" : " match")</p>" : "")
        \(shown > RunBrowser.runLimit ? "<p class=\"muted\">the first \(RunBrowser.runLimit) shown; filter to narrow</p>" : "")
        """
        return Page.html(title: spins ? "spins" : "runs", crumbs: [(spins ? "spins" : "runs", nil)], body: body)
    }

    /// A run: its graph with each step's state, its facts, its tasks.
    func runPage(_ spec: Pathspec) throws -> String {
        let run = try store.run(flow: spec.flow, id: spec.run ?? .latest)
        let tasks = try store.tasks(flow: run.flow, run: run.id, parents: false)  // the page lists no parents
        let shape = try? FlowShape(json: try store.graph(flow: run.flow, run: run.id))
        let cards = try store.cardCounts(flow: run.flow, run: run.id)
        var facts: [(String, String)] = [("status", run.statusText), ("started", Browse.time(run.started)),
                                          ("duration", Browse.seconds(run.duration)), ("parameters", Browse.parametersText(run.parameters))]
        if let o = run.origin { facts.append(("origin", "\(run.flow)/\(o)" + (run.originTask.map { ", re-ran \($0)" } ?? ""))) }
        if let e = run.error { facts.append(("error", e)) }
        if let host = run.host { facts.append(("host", host)) }
        var rows: [String] = []
        for t in tasks.prefix(RunBrowser.taskLimit) {
            let link = Page.path(["task", t.flow, t.run.description, t.step, String(t.id)])
            let duration = t.ended.map { $0.timeIntervalSince(t.started) }
            rows.append("""
            <tr><td><a href="\(link)">\(Page.h(t.step))/\(t.id)</a></td><td>\(Page.status(t.status.rawValue))</td>\
            <td>\(Page.h(shape?.describe(t.splits) ?? ""))</td><td class="num">\(Page.h(Browse.seconds(duration)))</td>\
            <td class="num">\(t.attempt + 1)</td><td class="num">\(cards[t.id].map(String.init) ?? "")</td>\
            <td>\(Page.h(String((t.error ?? "").prefix(200))))</td></tr>
            """)
        }
        let graph = shape.map { GraphSVG.svg(DefaultCard.graph($0, tasks: tasks, current: nil)) } ?? ""
        let live = run.status == .running && !run.isAbandoned
        let body = """
        <h1>\(Page.h(run.pathspec.description)) \(Page.status(run.statusText))</h1>
        \(live ? "<p class=\"running\" id=\"live\">running: this page reloads every 2 seconds</p>" : "")
        <div class="graph" id="graph">\(graph)</div>
        \(Page.facts(facts))
        <h2>Tasks</h2>
        <div class="scroll"><table id="tasks"><thead><tr><th>task</th><th>status</th><th>split</th><th>duration</th><th>attempts</th><th>cards</th><th>error</th></tr></thead>
        <tbody>\(rows.joined(separator: "\n"))</tbody></table></div>
        \(tasks.count > RunBrowser.taskLimit ? "<p class=\"muted\">the first \(RunBrowser.taskLimit) of \(tasks.count) tasks shown</p>" : "")
        """
        return Page.html(title: run.pathspec.description, crumbs: [("runs", "/"), (run.pathspec.description, nil)], body: body,
                         refreshSeconds: live ? 2 : nil)
    }
}
