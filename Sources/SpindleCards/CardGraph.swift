/// A flow's graph of steps as a card shows it: each step with the state it
/// reached in this run, the step of the task being shown marked, and the
/// edges between steps. `GraphSVG` draws it.
public struct CardGraph: Sendable, Codable, Equatable {
    public struct Node: Sendable, Codable, Equatable {
        public var name: String
        /// `completed`, `failed`, `running`, `pending` or `not run`; another
        /// word is drawn like `pending` and shown as written.
        public var state: String
        /// The step of the task whose card this is.
        public var isCurrent: Bool

        public init(_ name: String, state: String, isCurrent: Bool = false) {
            self.name = name
            self.state = state
            self.isCurrent = isCurrent
        }

        private enum CodingKeys: String, CodingKey { case name, state, isCurrent = "current" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            state = try c.decode(String.self, forKey: .state)
            isCurrent = try c.decodeIfPresent(Bool.self, forKey: .isCurrent) ?? false
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(state, forKey: .state)
            if isCurrent { try c.encode(true, forKey: .isCurrent) }
        }
    }

    /// A step that runs after another: `from` → `to`, by node name. An edge
    /// naming a node not in `nodes` is not drawn.
    public struct Edge: Sendable, Codable, Equatable {
        public var from: String
        public var to: String

        public init(_ from: String, _ to: String) {
            self.from = from
            self.to = to
        }
    }

    public var nodes: [Node]
    public var edges: [Edge]

    public init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }
}
