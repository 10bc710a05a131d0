import SpindleValue
import OrderedCollections

extension Store {
    /// The difference between two tasks' artifacts (any two tasks or spins):
    /// added, removed, changed, with the value diff of each changed one.
    /// Artifacts with the same content hash are equal without being read.
    ///
    /// When `new` is a spin's task, the inputs that spin overrode are not its
    /// outputs: carried over with their new values (so a chain sees them), but
    /// left out here, so every diff of the same two tasks — spin's report, the
    /// shell's `diff`, the `diff` command, MCP — gives the same answer.
    public func diffTasks(old: Pathspec, new: Pathspec, tolerance: Tolerance = .exact, limit: Int = 200) throws -> ValueDiff {
        _ = try task(old)
        _ = try task(new)
        var excluding: Set<String> = []
        if let run = new.run, run.isSpin, case .object(let o)? = try self.run(flow: new.flow, id: run).overrides {
            // `inputs[1].name` overrides `name` of one input of a join.
            let names = o.keys.map { key in key.hasPrefix("inputs[") ? String(key.drop { $0 != "." }.dropFirst()) : key }
            let carried = Set(try artifacts(of: new).filter { !$0.isOwn }.map(\.name))
            excluding = Set(names).intersection(carried)
        }
        let a = try artifacts(of: old).filter { !excluding.contains($0.name) }
        let b = try artifacts(of: new).filter { !excluding.contains($0.name) }
        let oldByName = Dictionary(a.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newByName = Dictionary(b.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        var oldNamed: [(String, Value)] = [], newNamed: [(String, Value)] = []
        for r in b.sorted(by: { $0.name < $1.name }) where oldByName[r.name]?.hash != r.hash {
            newNamed.append((r.name, try load(r)))
        }
        for r in a.sorted(by: { $0.name < $1.name }) where newByName[r.name]?.hash != r.hash {
            oldNamed.append((r.name, try load(r)))
        }
        return ValueDiff(oldNamed: oldNamed, newNamed: newNamed, tolerance: tolerance, limit: limit)
    }
}
