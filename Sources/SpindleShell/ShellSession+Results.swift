import Foundation
import OrderedCollections
import SpindleFlow
import SpindleLanguage
import SpindleStore
import SpindleValue

/// What a session keeps of its own work: each expression's result by the
/// number of its line (`_3`, `_` the last) and each spin (`spin1`, `spin2`, …),
/// read like any variable.
///
/// Results are the values themselves, which share their storage with the
/// variables they were read from (an artifact's array is not copied by
/// keeping `_4 = ratings.values`); spins are kept as their task's pathspec
/// and their outputs loaded from the store when first read, so a long
/// session holds no spin's outputs it has not used. At most
/// ``ShellResults/limit`` results and ``ShellResults/byteLimit`` bytes of
/// them are kept, the oldest dropped first.
struct ShellResults {
    /// The most results kept.
    static let limit = 100
    /// The most bytes of results kept (as ``Value/approximateBytes`` counts them).
    static let byteLimit = 1 << 30

    /// Results by line number, oldest first.
    private(set) var byLine: [(line: Int, value: Value, bytes: Int)] = []
    /// The line numbers whose results were dropped to stay in bounds.
    private(set) var dropped: Set<Int> = []
    /// The last result, kept even when it alone is over the byte limit.
    private(set) var last: Value?

    mutating func keep(_ value: Value, line: Int) {
        last = value
        byLine.append((line, value, value.approximateBytes))
        var total = byLine.reduce(0) { $0 + $1.bytes }
        while byLine.count > ShellResults.limit || (total > ShellResults.byteLimit && byLine.count > 1) {
            let old = byLine.removeFirst()
            total -= old.bytes
            dropped.insert(old.line)
        }
    }

    func value(line: Int) -> Value? { byLine.first { $0.line == line }?.value }
    func has(line: Int) -> Bool { byLine.contains { $0.line == line } }
}

/// A spin of this session: its task, and the task it re-ran.
struct SessionSpin {
    let task: Pathspec
    let original: Pathspec?
}

extension ShellSession {
    /// `_`, `_N`, `spinN`, `out` or `orig`: a name the session gives its own work.
    static func implicitName(_ name: String) -> Bool {
        name == "_" || name == "out" || name == "orig" || resultLine(name) != nil || spinNumber(name) != nil
    }

    /// `_12` → 12.
    static func resultLine(_ name: String) -> Int? {
        guard name.hasPrefix("_"), name.count > 1, let n = Int(name.dropFirst()), n > 0, !name.dropFirst().hasPrefix("0") else { return nil }
        return n
    }

    /// `spin3` → 3.
    static func spinNumber(_ name: String) -> Int? {
        guard name.hasPrefix("spin"), name.count > 4, let n = Int(name.dropFirst(4)), n > 0, !name.dropFirst(4).hasPrefix("0") else { return nil }
        return n
    }

    /// The value of an implicit name, or nil when it names nothing (yet).
    /// Throws when it names something no longer kept, saying so.
    func implicitValue(_ name: String) throws -> Value? {
        if name == "_" {
            guard let last = results.last else { throw NameError("no result yet: _ is the value of the last expression") }
            return last
        }
        if let line = ShellSession.resultLine(name) {
            if let v = results.value(line: line) { return v }
            if results.dropped.contains(line) {
                throw NameError("_\(line) is no longer kept: the shell keeps the last \(ShellResults.limit) results and at most 1 GiB of them")
            }
            guard line <= historyLines.count else {
                throw NameError("no result _\(line): this session has \(historyLines.count) line\(historyLines.count == 1 ? "" : "s") so far (history shows them)")
            }
            throw NameError("line \(line) (\(historyLines[line - 1])) gave no result; history shows which lines did (_N)")
        }
        let task: Pathspec?
        if let n = ShellSession.spinNumber(name) {
            guard n <= spins.count else {
                throw NameError(spins.isEmpty ? "no spins yet: focus a step and spin" : "there are \(spins.count) spins: spin1 … spin\(spins.count)")
            }
            task = spins[n - 1].task
        } else if name == "out" {
            task = lastSpin?.task
        } else if name == "orig" {
            task = lastSpin?.original
        } else {
            task = nil
        }
        guard let task else { return nil }
        variables[name] = ShellVariable(source: .outputs(task))
        return try value(of: name)
    }

    /// The names the session has made so far (for suggestions and completion).
    var implicitNames: [String] {
        (results.last == nil ? [] : ["_"]) + results.byLine.map { "_\($0.line)" }
            + spins.indices.map { "spin\($0 + 1)" }
            + (lastSpin == nil ? [] : ["out"]) + (lastSpin?.original == nil ? [] : ["orig"])
    }

    /// Keeps a successful spin as `spinN` and says so.
    func keepSpin(_ task: Pathspec, original: Pathspec?, usage: ResourceUsage?) {
        spins.append(SessionSpin(task: task, original: original))
        for name in ["out", "orig"] { variables[name] = nil }
        let memory = usage.map { " · peak memory \(NumberFormatting.bytes($0.peakMemoryBytes))" } ?? ""
        output.line(output.dim("spin\(spins.count): outputs as out and spin\(spins.count)" + (original == nil ? "" : ", the re-ran task's as orig") + memory))
    }
}

extension Value {
    /// Roughly how many bytes this value holds in memory: its elements and
    /// characters, not Swift's own bookkeeping.
    var approximateBytes: Int {
        switch self {
        case .null, .bool, .int, .double: return 8
        case .string(let s): return s.utf8.count
        case .bytes(let d): return d.count
        case .numeric(let n): return n.count * n.elementType.byteWidth
        case .array(let items): return items.reduce(16) { $0 + $1.approximateBytes }
        case .object(let o): return o.reduce(16) { $0 + $1.key.utf8.count + $1.value.approximateBytes }
        }
    }
}
