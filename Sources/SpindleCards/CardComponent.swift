/// One part of a card, shown in the order the card lists them.
///
/// As JSON a component is one flat object whose `component` key names the
/// case (`{"component": "markdown", "text": "..."}`,
/// `{"component": "chart", "kind": "line", "series": [...]}`), so a reader in
/// another language (the Python client, an assistant reading the page) needs
/// no Swift-specific shapes. A `component` this version does not know is
/// read as an `error` component naming it, so an older reader still shows
/// the rest of a newer card.
public enum CardComponent: Sendable, Codable, Equatable {
    /// Text in a safe subset of markdown (see `Markdown`): no raw HTML.
    case markdown(String)
    case table(CardTable)
    /// A PNG or JPEG image; other bytes are shown as an error.
    case image(CardImage)
    case chart(CardChart)
    /// An artifact the task saved: its name, its type, and its summary as
    /// the store writes it (shape, range, first values).
    case artifact(name: String, type: String, summary: String)
    /// How far a piece of work has got: a bar filled `done / total`.
    case progress(label: String, done: Double, total: Double)
    /// Key/value rows: parameters, timings, the task's identity.
    case facts(title: String?, [CardFact])
    /// Preformatted lines, such as the tail of the task's log.
    case log(title: String?, lines: [String])
    /// A failure, shown so it stands out.
    case error(title: String, message: String)
    /// The flow's graph with this task's step marked.
    case graph(CardGraph)

    /// The word a component is known by in JSON and in CSS classes.
    public var kindName: String {
        switch self {
        case .markdown: "markdown"
        case .table: "table"
        case .image: "image"
        case .chart: "chart"
        case .artifact: "artifact"
        case .progress: "progress"
        case .facts: "facts"
        case .log: "log"
        case .error: "error"
        case .graph: "graph"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case component, text, name, type, summary, label, done, total, title, facts, lines, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .component)
        switch kind {
        case "markdown": self = .markdown(try c.decode(String.self, forKey: .text))
        case "table": self = .table(try CardTable(from: decoder))
        case "image": self = .image(try CardImage(from: decoder))
        case "chart": self = .chart(try CardChart(from: decoder))
        case "graph": self = .graph(try CardGraph(from: decoder))
        case "artifact":
            self = .artifact(name: try c.decode(String.self, forKey: .name),
                             type: try c.decode(String.self, forKey: .type),
                             summary: try c.decode(String.self, forKey: .summary))
        case "progress":
            self = .progress(label: try c.decode(String.self, forKey: .label),
                             done: try c.decode(Double.self, forKey: .done),
                             total: try c.decode(Double.self, forKey: .total))
        case "facts":
            self = .facts(title: try c.decodeIfPresent(String.self, forKey: .title),
                          try c.decode([CardFact].self, forKey: .facts))
        case "log":
            self = .log(title: try c.decodeIfPresent(String.self, forKey: .title),
                        lines: try c.decode([String].self, forKey: .lines))
        case "error":
            self = .error(title: try c.decode(String.self, forKey: .title),
                          message: try c.decode(String.self, forKey: .message))
        default:
            self = .error(title: "Unknown component", message: "This card has a component of kind \"\(kind)\", which this version of Spindle cannot show.")
        }
    }

    /// Writes the `component` key, then the case's fields beside it (a
    /// struct payload writes its own keys into the same object).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kindName, forKey: .component)
        switch self {
        case .markdown(let text): try c.encode(text, forKey: .text)
        case .table(let table): try table.encode(to: encoder)
        case .image(let image): try image.encode(to: encoder)
        case .chart(let chart): try chart.encode(to: encoder)
        case .graph(let graph): try graph.encode(to: encoder)
        case .artifact(let name, let type, let summary):
            try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type)
            try c.encode(summary, forKey: .summary)
        case .progress(let label, let done, let total):
            try c.encode(label, forKey: .label)
            try c.encode(done, forKey: .done)
            try c.encode(total, forKey: .total)
        case .facts(let title, let facts):
            try c.encodeIfPresent(title, forKey: .title)
            try c.encode(facts, forKey: .facts)
        case .log(let title, let lines):
            try c.encodeIfPresent(title, forKey: .title)
            try c.encode(lines, forKey: .lines)
        case .error(let title, let message):
            try c.encode(title, forKey: .title)
            try c.encode(message, forKey: .message)
        }
    }
}
