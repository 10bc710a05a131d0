/// A name for anything in the store: `Flow`, `Flow/run`, `Flow/run/step`,
/// `Flow/run/step/task`, or `Flow/run/step/task/artifact`.
///
/// ```swift
/// let p = try Pathspec(parsing: "RatingsFlow/12/train/4")
/// p.flow  // "RatingsFlow"
/// p.run   // .number(12)
/// ```
///
/// Flow, step and artifact names are identifiers (letters, digits and `_`, not
/// starting with a digit, at most 128 characters); a run is a number, `spin-N`,
/// `latest` or `STORE:N` (a shared store's run); a task is a number. Nothing else parses, so no pathspec can
/// name a file outside the store.
public struct Pathspec: Hashable, Sendable, CustomStringConvertible {
    public var flow: String
    public var run: RunID?
    public var step: String?
    public var task: Int?
    public var artifact: String?

    public init(flow: String, run: RunID? = nil, step: String? = nil, task: Int? = nil, artifact: String? = nil) {
        self.flow = flow
        self.run = run
        self.step = step
        self.task = task
        self.artifact = artifact
    }

    /// Parses and validates `text`.
    public init(parsing text: String) throws(PathspecError) {
        // Stores hold many pathspecs (a join of 10 000 splits names 10 000 parents): well-formed
        // ones are read straight from their bytes; anything else takes the path that explains it.
        if let fast = Pathspec.fastParse(text) { self = fast; return }
        try self.init(explaining: text)
    }

    /// `Flow/number/step/task` (or a prefix of it), read from the bytes; nil for anything else.
    static func fastParse(_ text: String) -> Pathspec? {
        var text = text
        return text.withUTF8 { bytes -> Pathspec? in
            var parts: [UnsafeBufferPointer<UInt8>] = []
            var start = 0
            for i in 0...bytes.count {
                if i == bytes.count || bytes[i] == UInt8(ascii: "/") {
                    guard i > start, parts.count < 4 else { return nil }
                    parts.append(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    start = i + 1
                }
            }
            func identifier(_ b: UnsafeBufferPointer<UInt8>) -> String? {
                guard b.count <= 128, let first = b.first,
                      first == UInt8(ascii: "_") || (65...90).contains(first) || (97...122).contains(first) else { return nil }
                for c in b where !(c == UInt8(ascii: "_") || (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c)) {
                    return nil
                }
                return String(decoding: b, as: UTF8.self)
            }
            func number(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
                guard b.count <= 18, !b.isEmpty else { return nil }
                var n = 0
                for c in b {
                    guard (48...57).contains(c) else { return nil }
                    n = n * 10 + Int(c - 48)
                }
                return n
            }
            guard let flow = identifier(parts[0]) else { return nil }
            var p = Pathspec(flow: flow)
            if parts.count > 1 {
                guard let n = number(parts[1]), n > 0 else { return nil }
                p.run = .number(n)
            }
            if parts.count > 2 {
                guard let step = identifier(parts[2]) else { return nil }
                p.step = step
            }
            if parts.count > 3 {
                guard let t = number(parts[3]) else { return nil }
                p.task = t
            }
            return p
        }
    }

    /// Parses `text`, saying what is wrong with it when it does not parse.
    init(explaining text: String) throws(PathspecError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func fail(_ why: String) -> PathspecError { PathspecError(text: text, reason: why) }
        guard !text.isEmpty else { throw fail("it is empty; expected Flow[/run[/step[/task[/artifact]]]]") }
        guard parts.count <= 5 else {
            throw fail("it has \(parts.count) parts; at most 5 (Flow/run/step/task/artifact)")
        }
        if let empty = parts.firstIndex(of: "") {
            throw fail("part \(empty + 1) is empty")
        }
        guard Pathspec.isIdentifier(parts[0]) else { throw fail("flow name '\(parts[0])' is not an identifier") }
        flow = parts[0]
        if parts.count > 1 {
            guard let r = RunID(parts[1]) else {
                throw fail("run '\(parts[1])' is not a run id (a number, spin-N, latest, or STORE:N for a shared store's run)")
            }
            run = r
        }
        if parts.count > 2 {
            guard Pathspec.isIdentifier(parts[2]) else { throw fail("step name '\(parts[2])' is not an identifier") }
            step = parts[2]
        }
        if parts.count > 3 {
            guard let t = Int(parts[3]), t >= 0, parts[3].allSatisfy(\.isASCII) else {
                throw fail("task '\(parts[3])' is not a task id (a number)")
            }
            task = t
        }
        if parts.count > 4 {
            guard Pathspec.isIdentifier(parts[4]) else { throw fail("artifact name '\(parts[4])' is not an identifier") }
            artifact = parts[4]
        }
    }

    /// Whether `name` is a valid flow, step, parameter or artifact name.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 128 else { return false }
        guard first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    public var description: String {
        var s = flow
        if let run { s += "/\(run)" }
        if let step { s += "/\(step)" }
        if let task { s += "/\(task)" }
        if let artifact { s += "/\(artifact)" }
        return s
    }
}

/// A run's id as it appears in pathspecs: `12` for a run, `spin-7` for a
/// spin, `latest` for the latest successful run (resolved by the store), and
/// `prod:42` for run 42 of the shared store named `prod`, copied into this
/// one to be spun (see `Store.mirror`).
public enum RunID: Hashable, Sendable, CustomStringConvertible, Comparable {
    case number(Int)
    case spin(Int)
    case latest
    /// Run `number` of the shared store named `store` (a profile of spindle.toml), mirrored here.
    case remote(store: String, number: Int)

    public init?(_ text: String) {
        if text == "latest" { self = .latest; return }
        if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon]), number = text[text.index(after: colon)...]
            guard RunID.isStoreName(name), let n = Int(number), n > 0, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            self = .remote(store: name, number: n)
            return
        }
        if text.hasPrefix("spin-"), let n = Int(text.dropFirst(5)), n > 0, text.dropFirst(5).allSatisfy(\.isASCII) {
            self = .spin(n); return
        }
        if let n = Int(text), n > 0, text.allSatisfy({ $0.isASCII && $0.isNumber }) { self = .number(n); return }
        return nil
    }

    public var description: String {
        switch self {
        case .number(let n): "\(n)"
        case .spin(let n): "spin-\(n)"
        case .latest: "latest"
        case .remote(let store, let n): "\(store):\(n)"
        }
    }

    /// Whether `name` can name a shared store: a letter, then letters, digits, `-` and `_` (at most 64).
    public static func isStoreName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    /// Whether this names a run of a shared store, mirrored here.
    public var isRemote: Bool { if case .remote = self { true } else { false } }

    /// Whether this names a spin rather than a production run.
    public var isSpin: Bool { if case .spin = self { true } else { false } }
}

/// A pathspec that does not parse, with the reason.
public struct PathspecError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "bad pathspec '\(text)': \(reason)" }
}
