import Foundation
import SpindleCards
import SpindleValue
import Synchronization

/// A step's own card: components collected while the step runs, saved with
/// the task as one self-contained HTML page (`task.card`).
///
/// ```swift
/// task.card.markdown("# Training at rate \(rate)")
/// for epoch in 0..<epochs {
///     losses.append(train())
///     task.card.progress("epochs", done: Double(epoch + 1), total: Double(epochs))
///     task.card.line(losses, name: "loss", title: "training loss")
///     task.card.refresh()            // the browser shows it growing
/// }
/// task.card.table(worst, title: "worst predictions")
/// ```
///
/// The card is saved when the task ends, whether it succeeded or failed; a
/// card that cannot be saved is reported on stderr and never changes the
/// task's result. `refresh()` publishes it while the step runs (at most five
/// times a second), marked live, so `spindle ui` shows it updating.
public final class TaskCard: Sendable {
    struct State {
        var card: Card
        var lastPublished: Date?
        var publish: (@Sendable (String, Bool) throws -> Void)?
    }
    let state: Mutex<State>

    /// The most rows a table keeps.
    public static let tableRowLimit = 1000
    /// How often `refresh()` publishes, at most.
    static let refreshInterval: TimeInterval = 0.2

    init(title: String, subtitle: String) {
        state = Mutex(State(card: Card(title: title, subtitle: subtitle)))
    }

    /// Whether anything was added.
    public var isEmpty: Bool { state.withLock { $0.card.components.isEmpty } }

    /// Adds any component.
    public func append(_ component: CardComponent) { state.withLock { $0.card.append(component) } }

    /// Text in markdown (headings, emphasis, code, lists, http(s) links; no raw HTML).
    public func markdown(_ text: String) { append(.markdown(text)) }

    /// A table of records: one row per record, a column per key (in the order first seen); at most ``tableRowLimit`` rows.
    public func table(_ records: [[String: Value]], title: String? = nil) {
        var columns: [String] = []
        for r in records { for k in r.keys.sorted() where !columns.contains(k) { columns.append(k) } }
        let rows = records.prefix(TaskCard.tableRowLimit).map { r in columns.map { r[$0].map(TaskCard.cell) ?? "" } }
        append(.table(CardTable(title: TaskCard.limited(title, records.count), columns: columns, rows: Array(rows))))
    }

    /// A table from rows of values under named columns.
    public func table(columns: [String], rows: [[Value]], title: String? = nil) {
        let cells = rows.prefix(TaskCard.tableRowLimit).map { $0.map(TaskCard.cell) }
        append(.table(CardTable(title: TaskCard.limited(title, rows.count), columns: columns, rows: Array(cells))))
    }

    /// A rank-2 array as a table (rows × columns).
    public func table(_ matrix: NumericArray, title: String? = nil) {
        guard matrix.rank == 2 else { return append(.error(title: title ?? "table", message: "a table needs a rank-2 array, given shape \(matrix.shape)")) }
        let (r, c) = (matrix.shape[0], matrix.shape[1])
        let rows = (0..<min(r, TaskCard.tableRowLimit)).map { i in (0..<c).map { j in NumberFormatting.short(matrix.double(at: i * c + j)) } }
        append(.table(CardTable(title: TaskCard.limited(title, r), columns: (0..<c).map(String.init), rows: rows)))
    }

    /// An image: PNG or JPEG bytes.
    public func image(_ bytes: [UInt8], caption: String? = nil) { append(.image(CardImage(bytes: bytes, caption: caption))) }

    /// An image from a PNG or JPEG file.
    public func image(file: String, caption: String? = nil) {
        guard let data = FileManager.default.contents(atPath: file) else {
            return append(.error(title: "image", message: "cannot read \(file)"))
        }
        image(Array(data), caption: caption ?? URL(fileURLWithPath: file).lastPathComponent)
    }

    /// A line chart of one or more series over their index (replacing an earlier chart with the same title).
    public func line(_ y: [Double], name: String = "", title: String? = nil) {
        chart(CardChart(.line, title: title, series: [CardSeries(name, y: y)]))
    }

    /// A line chart of several named series.
    public func lines(_ series: KeyValuePairs<String, [Double]>, title: String? = nil) {
        chart(CardChart(.line, title: title, series: series.map { CardSeries($0.key, y: $0.value) }))
    }

    /// A scatter chart.
    public func scatter(x: [Double], y: [Double], name: String = "", title: String? = nil) {
        chart(CardChart(.scatter, title: title, series: [CardSeries(name, x: x, y: y)]))
    }

    /// A bar chart of labelled values.
    public func bar(labels: [String], values: [Double], title: String? = nil) {
        chart(CardChart(.bar, title: title, series: [CardSeries("", y: values)], labels: labels))
    }

    /// A histogram of values.
    public func histogram(_ values: [Double], bins: Int? = nil, title: String? = nil) {
        chart(CardChart(.histogram, title: title, series: [CardSeries("", y: values)], bins: bins))
    }

    /// Adds a chart; one with the same title (when it has one) is replaced, so a refreshed card's curve grows in place.
    public func chart(_ chart: CardChart) {
        state.withLock { s in
            if let t = chart.title, let i = s.card.components.firstIndex(where: { if case .chart(let c) = $0 { c.title == t } else { false } }) {
                s.card.components[i] = .chart(chart)
            } else {
                s.card.append(.chart(chart))
            }
        }
    }

    /// A progress bar; one with the same label is updated in place.
    public func progress(_ label: String, done: Double, total: Double) {
        state.withLock { s in
            let c = CardComponent.progress(label: label, done: done, total: total)
            if let i = s.card.components.firstIndex(where: { if case .progress(let l, _, _) = $0 { l == label } else { false } }) {
                s.card.components[i] = c
            } else {
                s.card.append(c)
            }
        }
    }

    /// An artifact's summary: its name, type, and the shape of its value.
    public func artifact(_ name: String, _ value: Value) {
        append(.artifact(name: name, type: value.typeName, summary: value.summary(width: 100)))
    }

    /// Publishes the card as it is now, marked live, so a browser shows it
    /// updating; at most five times a second (a call sooner is skipped).
    public func refresh() {
        publish(live: true)
    }

    /// Saves the final card (not live) when anything was added.
    func saveFinal() { publish(live: false) }

    /// Renders the card as it is now and saves it; a live one at most every ``refreshInterval``.
    private func publish(live: Bool) {
        let page: (String, @Sendable (String, Bool) throws -> Void)? = state.withLock { s in
            guard let publish = s.publish, !s.card.components.isEmpty else { return nil }
            if live, let last = s.lastPublished, Date().timeIntervalSince(last) < TaskCard.refreshInterval { return nil }
            s.lastPublished = Date()
            var card = s.card
            card.live = live
            card.updated = Browse.time(Date())
            return (CardPage.html(card), publish)
        }
        guard let (html, publish) = page else { return }
        do { try publish(html, live) } catch {
            FileHandle.standardError.write(Data("spindle: the task's card could not be saved (the task's result is unaffected): \(error)\n".utf8))
        }
    }

    /// Where the card goes: set by the task process once the store is open.
    func setPublisher(_ publish: @escaping @Sendable (String, Bool) throws -> Void) { state.withLock { $0.publish = publish } }

    static func cell(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return v.summary(width: 60)
    }

    static func limited(_ title: String?, _ count: Int) -> String? {
        count > tableRowLimit ? (title.map { $0 + " " } ?? "") + "(the first \(tableRowLimit) of \(count) rows)" : title
    }
}
