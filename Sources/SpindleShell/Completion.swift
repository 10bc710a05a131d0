import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue
import Foundation
import OrderedCollections

extension ShellSession {
    /// Candidates for Tab: commands first on a line, step names after
    /// `focus`, pathspecs after `load`, `diff` and `logs`, members after a
    /// dot (`ratings.us` → `ratings.users`), else variables and functions.
    public func completions(line: String, word: String, start: Int) -> [String] {
        let before = String(line.prefix(start)).trimmingCharacters(in: .whitespaces)
        let first = before.split(separator: " ").first.map(String.init) ?? ""
        func matching(_ xs: [String]) -> [String] { Array(Set(xs.filter { $0.hasPrefix(word) })).sorted() }
        if word.contains("."), !["load", "diff", "logs"].contains(first) {
            return members(word)
        }
        if before.isEmpty {
            return matching(ShellSession.commandNames + Array(variables.keys))
        }
        if first == "focus", before == "focus" {
            return matching(shape?.steps.map(\.name) ?? [])
        }
        if ["load", "diff", "logs"].contains(first) {
            return matching(pathspecCandidates(for: word))
        }
        if first == "help", before == "help" { return matching(ShellSession.commandNames) }
        return matching(variableNames + Evaluator.functionNames.map { $0 + "(" })
    }

    /// `ratings.us` → `ratings.users`: the members of the value before the last dot.
    func members(_ word: String) -> [String] {
        guard let dot = word.lastIndex(of: ".") else { return [] }
        let base = String(word[..<dot])
        let partial = String(word[word.index(after: dot)...])
        guard let value = try? Evaluator(environment: self).evaluate(try Parser.expression(base)),
              case .object(let o) = value else { return [] }
        return o.keys.filter { $0.hasPrefix(partial) }.map { base + "." + $0 }
    }

    /// The newest runs' and spins' ids of `flow` (`3`, `spin-2`).
    func runIDs(flow: String) -> [String] {
        let runs = (try? store.runs(flow: flow, limit: 30)) ?? []
        let spins = (try? store.runs(flow: flow, spins: true, limit: 30)) ?? []
        return (runs + spins).map(\.id.description)
    }

    func pathspecCandidates(for word: String) -> [String] {
        let parts = word.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let flows = (try? store.flows()) ?? []
        switch parts.count {
        case 1:
            let runs = (run.map { runIDs(flow: $0.flow) } ?? [])
            return flows.map { $0 + "/" } + runs + ["latest"]
        case 2:
            if flows.contains(parts[0]) { return runIDs(flow: parts[0]).map { "\(parts[0])/\($0)/" } + ["\(parts[0])/latest/"] }
            // run/step
            guard let r = run, let id = RunID(parts[0]) else { return [] }
            let steps = Set(((try? store.tasks(flow: r.flow, run: id)) ?? []).map(\.step))
            return steps.map { "\(parts[0])/\($0)/" }
        case 3:
            if flows.contains(parts[0]), let id = RunID(parts[1]) {
                let steps = Set(((try? store.tasks(flow: parts[0], run: id)) ?? []).map(\.step))
                return steps.map { "\(parts[0])/\(parts[1])/\($0)/" }
            }
            guard let r = run, let id = RunID(parts[0]) else { return [] }
            return ((try? store.tasks(flow: r.flow, run: id, step: parts[1])) ?? []).map { "\(parts[0])/\(parts[1])/\($0.id)" }
        case 4:
            guard let id = RunID(parts[1]) else { return [] }
            return ((try? store.tasks(flow: parts[0], run: id, step: parts[2])) ?? []).map { "\(parts[0])/\(parts[1])/\(parts[2])/\($0.id)" }
        default:
            return []
        }
    }
}
