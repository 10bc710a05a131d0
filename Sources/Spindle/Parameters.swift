import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue
import Synchronization

/// Parses `--name value` / `--name=value` pairs against the flow's parameters.
func parseParameters(_ args: [String], graph: FlowGraph) throws -> [String: Value] {
    var out: [String: Value] = [:]
    var i = 0
    while i < args.count {
        let a = args[i]
        guard a.hasPrefix("--"), a.count > 2 else {
            throw ValidationError("unexpected argument '\(a)'; parameters are given as --name value")
        }
        var name = String(a.dropFirst(2))
        var value: String
        if let eq = name.firstIndex(of: "=") {
            value = String(name[name.index(after: eq)...])
            name = String(name[..<eq])
        } else {
            guard i + 1 < args.count else { throw ValidationError("parameter --\(name) needs a value") }
            value = args[i + 1]
            i += 1
        }
        let key = name.replacingOccurrences(of: "-", with: "_")
        guard let p = graph.flow.parameters.first(where: { $0.name == key }) else {
            let known = graph.flow.parameters.map(\.name)
            let hint = Store.nearest(key, in: known).map { " (did you mean --\($0)?)" } ?? ""
            throw ValidationError("\(graph.flow.name) has no parameter --\(name)\(hint); it has: \(known.isEmpty ? "none" : known.map { "--\($0)" }.joined(separator: ", "))")
        }
        out[key] = try p.parse(value)
        i += 1
    }
    return out
}

func parametersHelp() -> String {
    guard let g = Spindle.current.withLock({ $0 }) else { return "" }
    if g.flow.parameters.isEmpty { return "This flow has no parameters." }
    return "Parameters:\n" + g.flow.parameters.map {
        "  --\($0.name) <\($0.kind.rawValue)>  \($0.help.isEmpty ? "" : $0.help + " ")(default: \($0.defaultValue.summary(width: 40)))"
    }.joined(separator: "\n")
}
