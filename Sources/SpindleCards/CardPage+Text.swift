extension CardPage {
    /// The card as the text a person would read on it, for an AI assistant
    /// or a terminal: the title and subtitle, markdown as written, tables as
    /// tab-separated lines (tabs and newlines inside cells become spaces),
    /// facts as `key: value`, logs as their lines, artifacts with their
    /// summaries, charts as their title, axes and each series' name and
    /// size (and a line's range and last value), the graph as its steps and
    /// states. Sections are separated by a blank line; no markup.
    public static func text(_ card: Card) -> String {
        var head = "# " + card.title
        if let subtitle = card.subtitle, !subtitle.isEmpty { head += "\n" + subtitle }
        var status: [String] = []
        if card.live { status.append("live") }
        if let updated = card.updated, !updated.isEmpty { status.append("updated " + updated) }
        if !status.isEmpty { head += "\n" + status.joined(separator: ", ") }
        return ([head] + card.components.map(text)).joined(separator: "\n\n") + "\n"
    }

    static func text(_ component: CardComponent) -> String {
        switch component {
        case .markdown(let source):
            return source.trimmingTrailingNewlines
        case .table(let table):
            var lines: [String] = []
            if let title = table.title, !title.isEmpty { lines.append("## " + title) }
            if !table.columns.isEmpty { lines.append(table.columns.map(cell).joined(separator: "\t")) }
            lines += table.rows.map { $0.map(cell).joined(separator: "\t") }
            return lines.joined(separator: "\n")
        case .image(let image):
            let kind = image.format.map { $0 == .png ? "PNG" : "JPEG" } ?? "not PNG or JPEG, not shown"
            let caption = image.caption.map { ": " + $0 } ?? ""
            return "[image\(caption) (\(kind), \(NumberText.count(image.bytes.count)) bytes)]"
        case .chart(let chart):
            return chartText(chart)
        case .artifact(let name, let type, let summary):
            return "artifact " + name + " (" + type + ")\n" + summary.trimmingTrailingNewlines
        case .progress(let label, let done, let total):
            var line = label + ": " + NumberText.short(done) + " / " + NumberText.short(total)
            if total.isFinite, total > 0, done.isFinite {
                line += " (" + SVGNumber.fixed(Swift.min(1, Swift.max(0, done / total)) * 100, decimals: 1) + "%)"
            }
            return line
        case .facts(let title, let facts):
            var lines = title.flatMap { $0.isEmpty ? nil : ["## " + $0] } ?? []
            lines += facts.map { $0.key + ": " + $0.value }
            return lines.joined(separator: "\n")
        case .log(let title, let lines):
            return ((title.flatMap { $0.isEmpty ? nil : ["## " + $0] } ?? []) + lines).joined(separator: "\n")
        case .error(let title, let message):
            return "Error: " + title + "\n" + message.trimmingTrailingNewlines
        case .graph(let graph):
            var lines = ["## Flow graph"]
            for node in graph.nodes {
                lines.append(node.name + ": " + node.state + (node.isCurrent ? " (this task)" : ""))
            }
            if !graph.edges.isEmpty {
                lines.append("edges: " + graph.edges.map { $0.from + " → " + $0.to }.joined(separator: ", "))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// `line chart "Loss" (x: epoch, y: loss): train, 200 points; val, 20 points`
    private static func chartText(_ chart: CardChart) -> String {
        var line = chart.kind.rawValue + " chart"
        if let title = chart.title, !title.isEmpty { line += " \"" + title + "\"" }
        var axes: [String] = []
        if let x = chart.xLabel, !x.isEmpty { axes.append("x: " + x) }
        if let y = chart.yLabel, !y.isEmpty { axes.append("y: " + y) }
        if !axes.isEmpty { line += " (" + axes.joined(separator: ", ") + ")" }
        let unit = chart.kind == .bar ? "bars" : chart.kind == .histogram ? "values" : "points"
        let series = chart.series.map { s in
            let scan = SeriesScan(s)
            var text = (s.name.isEmpty ? "" : s.name + ", ") + NumberText.count(scan.count) + " " + unit
            if chart.kind == .line || chart.kind == .scatter, scan.finite > 0 {
                text += ", y from " + NumberText.short(scan.minY) + " to " + NumberText.short(scan.maxY)
                if chart.kind == .line, let last = s.y.prefix(scan.count).last(where: { $0.isFinite }) {
                    text += ", last " + NumberText.short(last)
                }
            }
            return text
        }
        if !series.isEmpty { line += ": " + series.joined(separator: "; ") }
        if chart.kind == .bar, let labels = chart.labels, !labels.isEmpty {
            line += "\ncategories: " + labels.joined(separator: ", ")
        }
        return line
    }

    private static func cell(_ s: String) -> String {
        String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last?.isNewline == true { s = s.dropLast() }
        return String(s)
    }
}
