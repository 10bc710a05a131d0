import Foundation
import SpindleCards
import SpindleFlow
import SpindlePlot
import SpindleStore
import SpindleValue

/// `card [TASK] [NAME]`: where a task's card is, and what it says — its
/// charts drawn as terminal plots on a terminal, its text otherwise.
extension ShellSession {
    func card(_ args: String) throws {
        let words = args.split(separator: " ").map(String.init)
        let task: Pathspec
        if let first = words.first, first.contains("/") || ShellSession.spinNumber(first) != nil {
            task = try resolve(first)
        } else {
            task = try taskInView(or: "which task? card run/step/task [NAME] (or focus a step, or spin)")
        }
        let name = words.count > 1 ? words[1] : (words.first.map { $0.contains("/") || ShellSession.spinNumber($0) != nil } == false ? words.first : nil)
        let records = try store.cards(of: task)
        let chosen = name ?? records.first?.name ?? DefaultCard.name
        let card: Card
        if chosen == DefaultCard.name {
            card = try DefaultCard.make(for: task, store: store)
        } else {
            guard let record = records.first(where: { $0.name == chosen }) else {
                throw ShellError("\(task) has no card '\(chosen)'; its cards: \(([DefaultCard.name] + records.map(\.name)).joined(separator: ", "))")
            }
            guard let read = CardPage.components(in: try store.cardHTML(record)) else { throw ShellError("the card '\(chosen)' of \(task) cannot be read") }
            card = read
        }
        let flowName = run?.flow ?? task.flow
        output.line("card '\(chosen)' of \(task)" + output.dim("  (\(flowName) card view \(task.description.dropFirst(flowName.count + 1)) opens it; spindle ui shows every card)"))
        guard output.isTerminal else {
            output.line(CardPage.text(card))
            return
        }
        // On a terminal, each chart as a terminal plot and the rest as text.
        let style = PlotStyle(width: output.width, height: ShellSession.chartHeight, color: output.useColor)
        for component in card.components {
            if case .chart(let chart) = component, let text = try? ShellSession.terminalChart(chart, style: style) {
                output.line(text)
            } else {
                output.line(CardPage.text(Card(title: "", components: [component])).trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// A card's chart drawn by SpindlePlot.
    static func terminalChart(_ chart: CardChart, style: PlotStyle) throws -> String {
        let series = chart.series.map { PlotSeries(name: $0.name, x: $0.x.map { NumericArray($0) }, y: NumericArray($0.y)) }
        switch chart.kind {
        case .line: return try TerminalChart.line(series, title: chart.title, style: style)
        case .scatter: return try TerminalChart.scatter(series, title: chart.title, style: style)
        case .histogram:
            guard let first = chart.series.first else { throw ShellError("the chart has no series") }
            return try TerminalChart.histogram(NumericArray(first.y), bins: chart.bins, title: chart.title, style: style)
        case .bar:
            // Labelled bars have no terminal form here: the card's text lists them.
            throw ShellError("bars are shown as text")
        }
    }
}
