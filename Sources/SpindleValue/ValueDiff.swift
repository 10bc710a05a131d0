/// The structural difference between two values: what was added, removed or
/// changed, and where.
///
/// ```swift
/// let d = ValueDiff(old: ["rmse": 0.91, "n": 3], new: ["rmse": 0.87, "k": 1])
/// print(d)
/// // ~ rmse: 0.91 → 0.87 (-0.04, -4.4%)
/// // - n: Int 3
/// // + k: Int 1
/// ```
///
/// The result is data (``changes``) for tools and tests; its description is
/// the text for people; ``jsonValue`` is its JSON form.
public struct ValueDiff: Sendable, Equatable {
    /// The changes, in the order of the values' keys and elements.
    public private(set) var changes: [ValueChange] = []
    /// How many further changes were found beyond ``limit`` and left out.
    public private(set) var omitted = 0
    /// The tolerance used for numbers.
    public let tolerance: Tolerance
    /// The most changes recorded; the rest are counted in ``omitted``.
    public let limit: Int

    /// Whether the two values are equal within the tolerance.
    public var isEmpty: Bool { changes.isEmpty && omitted == 0 }

    /// Compares `old` with `new`.
    public init(old: Value, new: Value, tolerance: Tolerance = .exact, limit: Int = 200) {
        self.tolerance = tolerance
        self.limit = limit
        compare(old, new, at: "")
    }

    /// Compares two named sets of values (a task's artifacts, say): names only
    /// in `old` are removed, only in `new` added. `new`'s order comes first.
    public init(oldNamed: [(String, Value)], newNamed: [(String, Value)],
                tolerance: Tolerance = .exact, limit: Int = 200) {
        self.tolerance = tolerance
        self.limit = limit
        compareMembers(old: oldNamed, new: newNamed, at: "")
    }

    private mutating func record(_ path: String, _ kind: ValueChange.Kind) {
        if changes.count < limit { changes.append(ValueChange(path: path, kind: kind)) } else { omitted += 1 }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func compare(_ old: Value, _ new: Value, at path: String) {
        switch (old, new) {
        case (.object(let a), .object(let b)):
            compareMembers(old: a.map { ($0.key, $0.value) }, new: b.map { ($0.key, $0.value) }, at: path)
        case (.array(let a), .array(let b)):
            if a.count != b.count { record(path, .length(old: a.count, new: b.count)) }
            for i in 0..<min(a.count, b.count) { compare(a[i], b[i], at: "\(path)[\(i)]") }
        case (.numeric(let a), .numeric(let b)):
            let d = NumericDifference(old: a, new: b, tolerance: tolerance)
            if !d.isEqual { record(path, .numeric(d)) }
        case (.bytes(let a), .bytes(let b)):
            if a != b {
                let first = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                record(path, .bytes(oldCount: a.count, newCount: b.count, firstDifference: first ?? min(a.count, b.count)))
            }
        default:
            if let x = old.doubleValue, let y = new.doubleValue {
                if old.kind != new.kind {
                    record(path, .scalar(old: old, new: new))
                } else if !tolerance.isClose(x, y) {
                    record(path, .scalar(old: old, new: new))
                }
            } else if old.kind != new.kind {
                record(path, .typeChanged(old: old, new: new))
            } else if old != new {
                record(path, .scalar(old: old, new: new))
            }
        }
    }

    private mutating func compareMembers(old: [(String, Value)], new: [(String, Value)], at path: String) {
        let oldIndex = Dictionary(old, uniquingKeysWith: { _, last in last })
        let newKeys = Set(new.map(\.0))
        for (k, v) in new {
            if let o = oldIndex[k] { compare(o, v, at: ValueDiff.join(path, k)) }
            else { record(ValueDiff.join(path, k), .added(v)) }
        }
        for (k, v) in old where !newKeys.contains(k) { record(ValueDiff.join(path, k), .removed(v)) }
    }
}

/// One difference found by ``ValueDiff``.
public struct ValueChange: Sendable, Equatable {
    /// Where, as a person writes the access: `model.weights`, `users[3].id`;
    /// empty for the whole value.
    public let path: String
    /// What changed.
    public let kind: Kind

    /// What changed at a place.
    public enum Kind: Sendable, Equatable {
        /// A key or artifact present only in the new value.
        case added(Value)
        /// A key or artifact present only in the old value.
        case removed(Value)
        /// A different kind of value (an object became an array, say).
        case typeChanged(old: Value, new: Value)
        /// A scalar took another value (numbers beyond the tolerance).
        case scalar(old: Value, new: Value)
        /// An array's length changed (its common prefix is compared element by element).
        case length(old: Int, new: Int)
        /// A numeric array differs.
        case numeric(NumericDifference)
        /// Bytes differ.
        case bytes(oldCount: Int, newCount: Int, firstDifference: Int)
    }
}

/// How two numeric arrays differ, in figures.
public struct NumericDifference: Sendable, Equatable {
    public let oldType: NumericArray.ElementType
    public let newType: NumericArray.ElementType
    public let oldShape: [Int]
    public let newShape: [Int]
    /// How many elements were compared: the shorter array's count.
    public let compared: Int
    /// How many of those differ beyond the tolerance.
    public let differing: Int
    /// The largest absolute difference among finite pairs (0 when none).
    public let maxAbsolute: Double
    /// The largest relative difference, `|a − b| / max(|a|, |b|)`, among finite pairs.
    public let maxRelative: Double
    /// The flat index of the first element beyond the tolerance, if any.
    public let firstIndex: Int?
    /// The first differing pair, old and new.
    public let firstPair: (Double, Double)?

    /// Whether the arrays count as equal: same shape, element type and elements within tolerance.
    public var isEqual: Bool { differing == 0 && oldShape == newShape && oldType == newType }

    public init(old: NumericArray, new: NumericArray, tolerance: Tolerance) {
        oldType = old.elementType
        newType = new.elementType
        oldShape = old.shape
        newShape = new.shape
        let n = min(old.count, new.count)
        compared = n
        var differing = 0, maxAbs = 0.0, maxRel = 0.0
        var first: Int?
        if case .float64(let a) = old.storage, case .float64(let b) = new.storage {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    for i in 0..<n {
                        let x = pa[i], y = pb[i]
                        if x == y { continue }
                        NumericDifference.account(x, y, i, tolerance, &differing, &maxAbs, &maxRel, &first)
                    }
                }
            }
        } else {
            for i in 0..<n {
                let x = old.double(at: i), y = new.double(at: i)
                if x == y { continue }
                NumericDifference.account(x, y, i, tolerance, &differing, &maxAbs, &maxRel, &first)
            }
        }
        self.differing = differing
        maxAbsolute = maxAbs
        maxRelative = maxRel
        firstIndex = first
        firstPair = first.map { (old.double(at: $0), new.double(at: $0)) }
    }

    @inline(__always)
    private static func account(_ x: Double, _ y: Double, _ i: Int, _ t: Tolerance, _ differing: inout Int,
                                _ maxAbs: inout Double, _ maxRel: inout Double, _ first: inout Int?) {
        if t.isClose(x, y) { return }
        differing += 1
        if first == nil { first = i }
        if x.isFinite && y.isFinite {
            let d = abs(x - y)
            if d > maxAbs { maxAbs = d }
            let r = d / max(abs(x), abs(y))
            if r > maxRel { maxRel = r }
        }
    }

    public static func == (l: NumericDifference, r: NumericDifference) -> Bool {
        l.oldType == r.oldType && l.newType == r.newType && l.oldShape == r.oldShape && l.newShape == r.newShape
            && l.compared == r.compared && l.differing == r.differing && l.maxAbsolute == r.maxAbsolute
            && l.maxRelative == r.maxRelative && l.firstIndex == r.firstIndex
    }
}
