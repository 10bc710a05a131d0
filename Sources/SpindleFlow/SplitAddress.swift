import SpindleStore

/// Which split of a step inside one or more foreaches: one index per
/// enclosing foreach, outermost first. `2.1` is split 1 of the inner foreach
/// inside split 2 of the outer one. A branch's arms are not counted: an arm
/// is named by its step.
///
/// A shorter address names the innermost splits and takes 0 for the outer
/// ones, so `--index 1` still means the second split of a single foreach.
///
/// ```swift
/// let address = try SplitAddress(parsing: "2.1")   // region 2, shop 1
/// address.indices                                    // [2, 1]
/// ```
public struct SplitAddress: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral {
    /// One index per enclosing foreach, outermost first (may be shorter than the depth).
    public var indices: [Int]

    public init(_ indices: [Int]) { self.indices = indices }
    public init(integerLiteral value: Int) { indices = [value] }
    public init(arrayLiteral elements: Int...) { indices = elements }

    /// The first split at every depth.
    public static let first = SplitAddress([])

    /// A mistake in an address as written.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Parses `2`, `2.1`, `0.3.1`: indices from 0, outermost first, joined by dots.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var out: [Int] = []
        for p in parts {
            guard let n = Int(p), n >= 0, !p.hasPrefix("+") else {
                throw ParseError(description: "'\(text)' is not a split address: give indices from 0, outermost first, joined by dots (like 2 or 2.1)")
            }
            out.append(n)
        }
        indices = out
    }

    /// `2.1`.
    public var description: String { indices.isEmpty ? "0" : indices.map(String.init).joined(separator: ".") }

    /// The address padded on the outside with zeros to `depth` indices, or
    /// with outer zeros dropped (`--index 0` names the one task of a step in
    /// no foreach); nil when it names a deeper split that is not 0.
    public func padded(to depth: Int) -> [Int]? {
        guard indices.count <= depth else {
            let extra = indices.count - depth
            return indices.prefix(extra).allSatisfy { $0 == 0 } ? Array(indices.suffix(depth)) : nil
        }
        return Array(repeating: 0, count: depth - indices.count) + indices
    }
}

extension FlowShape {
    /// The foreach splits among `splits` (branch arms left out), outermost first.
    public func foreachFrames(_ splits: [SplitFrame]) -> [SplitFrame] {
        splits.filter { frame in
            if case .foreach? = step(frame.step)?.transition { return true }
            return false
        }
    }

    /// The address of a task sitting in `splits`.
    public func address(of splits: [SplitFrame]) -> [Int] { foreachFrames(splits).map(\.index) }

    /// The name people know a foreach level by: the step it fans out to.
    public func label(of frame: SplitFrame) -> String {
        if case .foreach(_, let then)? = step(frame.step)?.transition { return then }
        return frame.step
    }

    /// A task's place in full, for people: `[region 2 of 3, shop 1 of 2]`;
    /// empty for a task in no foreach.
    public func describe(_ splits: [SplitFrame]) -> String {
        let frames = foreachFrames(splits)
        guard !frames.isEmpty else { return "" }
        return "[" + frames.map { "\(label(of: $0)) \($0.index) of \($0.count)" }.joined(separator: ", ") + "]"
    }
}
