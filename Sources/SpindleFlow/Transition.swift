/// Where a step goes when it is done. Declared, so the whole graph is known
/// (and checked) before anything runs.
public enum Transition: Sendable, Equatable {
    /// To one step.
    case to(String)
    /// To several steps at once; a ``Join`` brings them together again.
    case branch([String])
    /// To `step` once for each element of the sequence artifact `artifact`; a
    /// ``Join`` after the body brings the splits together again.
    case foreach(String, then: String)
    /// Nowhere: only the step `end` ends a flow.
    case end

    /// To several steps at once.
    public static func branch(_ steps: String...) -> Transition { .branch(steps) }

    /// The steps this transition leads to.
    public var targets: [String] {
        switch self {
        case .to(let s): [s]
        case .branch(let s): s
        case .foreach(_, let s): [s]
        case .end: []
        }
    }
}
