import SpindleStore
import SpindleValue

extension Store {
    /// The difference between two tasks' artifacts (any two tasks or spins):
    /// added, removed, changed, with the value diff of each changed one.
    /// Artifacts with the same content hash are equal without being read.
    /// Artifacts named in `excluding` are left out (a spin's overridden inputs).
    public func diffTasks(old: Pathspec, new: Pathspec, tolerance: Tolerance = .exact, limit: Int = 200,
                          excluding: Set<String> = []) throws -> ValueDiff {
        _ = try task(old)
        _ = try task(new)
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
