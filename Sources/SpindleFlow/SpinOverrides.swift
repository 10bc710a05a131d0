import Foundation
import SpindleStore
import SpindleValue
import OrderedCollections

/// A spin's overrides, in the one encoding every process reads and writes:
/// an object whose keys are names (`rate`: for every input) or
/// `inputs[N].name` (for input N of a join only), and whose values are the
/// new values. The shell and the MCP server hand it to `spin
/// --overrides-file` in the artifact format, the spin engine hands the same
/// encoding to each task process, and the spin's run record keeps it.
///
/// ```swift
/// var o = SpinOverrides()
/// o.all["rate"] = 0.05
/// o.byInput[1, default: [:]]["rmse"] = 0.5
/// o.value   // {"rate": 0.05, "inputs[1].rmse": 0.5}
/// ```
public struct SpinOverrides: Sendable, Equatable {
    /// Values for every input (and parameters of that name).
    public var all: [String: Value]
    /// Values for one input of a join, by the input's position.
    public var byInput: [Int: [String: Value]]

    public init(all: [String: Value] = [:], byInput: [Int: [String: Value]] = [:]) {
        self.all = all
        self.byInput = byInput
    }

    public var isEmpty: Bool { all.isEmpty && byInput.values.allSatisfy(\.isEmpty) }

    /// Every name overridden, for any input.
    public var names: Set<String> { Set(all.keys).union(byInput.values.flatMap(\.keys)) }

    /// The encoding: `name` and `inputs[N].name` keys, sorted.
    public var value: Value {
        let pairs = all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + byInput.sorted { $0.key < $1.key }.flatMap { i, o in o.sorted { $0.key < $1.key }.map { ("inputs[\(i)].\($0.key)", $0.value) } }
        return .object(.init(pairs, uniquingKeysWith: { a, _ in a }))
    }

    /// A key that is neither a name nor `inputs[N].name`.
    public struct BadKey: Error, CustomStringConvertible, Equatable {
        public let key: String
        public var description: String { "'\(key)' is not an input or parameter name, nor inputs[N].name" }
    }

    /// Reads the encoding.
    public init(value: Value) throws {
        self.init()
        guard case .object(let o) = value else { throw BadKey(key: value.typeName) }
        for (key, v) in o {
            let (input, name) = try SpinOverrides.parseKey(key)
            if let input { byInput[input, default: [:]][name] = v } else { all[name] = v }
        }
    }

    /// `rate` → (nil, "rate"); `inputs[2].rmse` → (2, "rmse").
    public static func parseKey(_ key: String) throws -> (input: Int?, name: String) {
        guard key.hasPrefix("inputs[") else {
            guard Pathspec.isIdentifier(key) else { throw BadKey(key: key) }
            return (nil, key)
        }
        guard let close = key.firstIndex(of: "]"),
              let n = Int(key[key.index(key.startIndex, offsetBy: 7)..<close]), n >= 0,
              key[key.index(after: close)...].hasPrefix(".") else { throw BadKey(key: key) }
        let name = String(key[key.index(close, offsetBy: 2)...])
        guard Pathspec.isIdentifier(name) else { throw BadKey(key: key) }
        return (n, name)
    }

    /// What input `i` of the task sees replaced: the overrides for all, then its own.
    public func forInput(_ i: Int) -> [String: Value] {
        var out = all
        for (k, v) in byInput[i] ?? [:] { out[k] = v }
        return out
    }

    /// Writes the encoding in the artifact format to `path` (not synced to disk: the spin reads it at once).
    public func write(to path: String) throws {
        try FileIO.writeFile(path, ArtifactCodec.encode(value), what: "the spin's overrides")
    }

    /// Reads a file written by ``write(to:)``.
    public static func read(from path: String) throws -> SpinOverrides {
        let value: Value
        do { value = try ArtifactCodec.decode(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw FlowError.usage("cannot read the overrides in \(path): \(error)")
        }
        return try SpinOverrides(value: value)
    }

    /// `name=summary` for each, for people.
    public func summaries(width: Int = 30) -> [String] {
        guard case .object(let o) = value else { return [] }
        return o.map { "\($0.key)=\($0.value.summary(width: width))" }
    }
}
