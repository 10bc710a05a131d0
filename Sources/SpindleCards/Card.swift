/// A task's card: a report page made of components, in the order they were
/// added. A step builds one while it runs (`task.card.append(...)`); every
/// task also has a default card (parameters, artifacts, the flow graph,
/// timings, the tail of its log, its error). `CardPage` renders it.
///
/// Codable as JSON so that a rendered page can carry its own data and be read
/// back (`CardPage.components(in:)`).
public struct Card: Sendable, Codable, Equatable {
    /// The page's heading and the HTML document's `<title>`.
    public var title: String
    /// A line under the title (the step's and run's names, say).
    public var subtitle: String?
    /// The parts of the page, shown top to bottom.
    public var components: [CardComponent]
    /// The task is still running, and the page may still change: shown as a
    /// badge, and a page given a `refresh` URL polls it.
    public var live: Bool
    /// When the card was last changed, as the caller writes it (an ISO time,
    /// say); shown small under the title. The renderer never reads a clock.
    public var updated: String?

    public init(
        title: String,
        subtitle: String? = nil,
        components: [CardComponent] = [],
        live: Bool = false,
        updated: String? = nil
    ) {
        self.title = title
        self.subtitle = subtitle
        self.components = components
        self.live = live
        self.updated = updated
    }

    /// Adds a component at the end of the card.
    public mutating func append(_ component: CardComponent) {
        components.append(component)
    }

    private enum CodingKeys: String, CodingKey { case title, subtitle, components, live, updated }

    /// Reads a card; `live` and `components` may be absent (false and none),
    /// so that a hand-written card needs only its title.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        subtitle = try c.decodeIfPresent(String.self, forKey: .subtitle)
        components = try c.decodeIfPresent([CardComponent].self, forKey: .components) ?? []
        live = try c.decodeIfPresent(Bool.self, forKey: .live) ?? false
        updated = try c.decodeIfPresent(String.self, forKey: .updated)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encodeIfPresent(subtitle, forKey: .subtitle)
        try c.encode(components, forKey: .components)
        try c.encode(live, forKey: .live)
        try c.encodeIfPresent(updated, forKey: .updated)
    }
}
