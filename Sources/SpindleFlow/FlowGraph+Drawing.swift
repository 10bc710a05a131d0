import Foundation
import SpindleValue
extension FlowGraph {
    /// The graph drawn for a terminal (see ``FlowShape/drawn()``).
    public func drawn() -> String { shape.drawn() }
    /// The graph in Graphviz's `dot` language.
    public func dot() -> String { shape.dot() }
}

/// The graph drawn for a terminal, and as Graphviz `dot`.
extension FlowShape {
    /// One line a step, in declaration order, with where it goes and how it fails:
    ///
    /// ```
    /// RatingsFlow
    ///   start        → foreach rates → train
    ///   train        → pick                       retry 2
    ///   pick (join)  → end
    ///   end
    /// ```
    public func drawn() -> String {
        let labels = steps.map { $0.isJoin ? "\($0.name) (join)" : $0.name }
        let width = labels.map(\.count).max() ?? 0
        var lines = [name]
        for p in parameters {
            lines.append("  --\(p.name) \(p.kind.rawValue) = \(p.defaultValue.summary(width: 30))" + (p.help.isEmpty ? "" : "  \(p.help)"))
        }
        var arrows: [String] = []
        for s in steps {
            switch s.transition {
            case .to(let t): arrows.append("→ \(t)")
            case .branch(let ts): arrows.append("→ " + ts.joined(separator: " + "))
            case .foreach(let a, let t): arrows.append("→ foreach \(a) → \(t)")
            case .end: arrows.append("")
            }
        }
        let arrowWidth = arrows.map(\.count).max() ?? 0
        for (i, s) in steps.enumerated() {
            var notes: [String] = []
            if s.retry.count > 0 { notes.append("retry \(s.retry.count)") }
            if let t = s.timeout { notes.append("timeout \(t.formatted)") }
            if let c = s.catchArtifact { notes.append("catch → \(c)") }
            var line = "  " + labels[i].padding(toLength: width, withPad: " ", startingAt: 0) + "  " + arrows[i]
            if !notes.isEmpty {
                line = line.padding(toLength: 4 + width + arrowWidth + 2, withPad: " ", startingAt: 0) + notes.joined(separator: ", ")
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The graph in Graphviz's `dot` language.
    public func dot() -> String {
        var lines = ["digraph \(name) {", "  rankdir=TB;", "  node [shape=box, style=rounded];"]
        for s in steps {
            lines.append("  \(s.name)" + (s.isJoin ? " [shape=box, style=\"rounded,bold\"]" : "") + ";")
        }
        for s in steps {
            switch s.transition {
            case .to(let t): lines.append("  \(s.name) -> \(t);")
            case .branch(let ts): for t in ts { lines.append("  \(s.name) -> \(t);") }
            case .foreach(let a, let t): lines.append("  \(s.name) -> \(t) [label=\"foreach \(a)\", style=dashed];")
            case .end: break
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
