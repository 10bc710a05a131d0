import Foundation
import SpindleStore
import SpindleValue

/// What a run's runtime and a task process it forked hand each other, so
/// that the task never opens the metadata database: the runtime sends the
/// task's inputs with its fork request (``Inputs``), and the task sends back,
/// before it says how it ended (``TaskEnd``), the rows of what it stored
/// (``Outcome``), which the runtime commits with the task's log in one
/// transaction.
///
/// Opening SQLite, reading a task's run, row and parents, and committing its
/// end were a third of a forked task's CPU in a 50-way foreach; the runtime
/// already holds all of it (it planned the task and fingerprinted its
/// parents) and commits around every task anyway.
///
/// What is unchanged: the task still writes its blobs itself, before it sends
/// any row that names them, and a task counts as done only once the runtime
/// has committed its rows, after the process ended with 0. A task killed
/// first, or one whose runtime is gone, is failed or left running exactly as
/// before; a task that cannot send its rows (its runtime has gone) commits
/// them itself. One window is new: a runtime killed after its task sent its
/// rows and before it committed them leaves that task `running`, where the
/// task used to commit them itself; the run is unfinished either way, and
/// `resume` runs the task again. A task spawned rather than forked, a spin's
/// task, a task on an engine, and a task whose inputs do not fit a fork
/// request read and write the store as before.
enum TaskHandoff {
    /// A task's inputs, from its runtime.
    struct Inputs: Equatable, Sendable {
        /// The task they are for: a task given another's inputs ignores them.
        var pathspec: Pathspec
        /// The run's parameters, as the run records them (an object).
        var parameters: Value
        /// The splits the task sits in, outermost first.
        var splits: [SplitFrame]
        /// Each parent and its artifact rows, in the order of the task's parents.
        var parents: [Parent]

        struct Parent: Equatable, Sendable {
            var pathspec: Pathspec
            var artifacts: [ArtifactRecord]

            /// The bytes it takes in ``encoded``: what a runtime adds up before it builds inputs
            /// that might not fit a fork request.
            var encodedSize: Int {
                artifacts.reduce(HandoffWriter.stringSize(pathspec.description) + 8) { $0 + HandoffWriter.size(of: $1) }
            }
        }
    }

    /// What a task stored, for its runtime to commit (``Store/completeTask(_:artifacts:foreachCount:parametersRead:)``).
    struct Outcome: Equatable, Sendable {
        var artifacts: [ArtifactRecord]
        var foreachCount: Int?
        var parametersRead: [String]
    }

    /// The inputs the fork request brought, in a forked task process; nil elsewhere.
    /// Set once, before the task runs, by the process's one thread.
    nonisolated(unsafe) static var received: [UInt8]?

    /// Whether a runtime hands its forked tasks their inputs (`SPINDLE_HANDOFF=0` turns it off,
    /// to compare, or to rule it out).
    static var enabled: Bool {
        guard let value = getenv("SPINDLE_HANDOFF") else { return true }
        return String(cString: value) != "0"
    }

    /// The largest outcome a task sends; a bigger one (thousands of artifacts) it commits itself.
    static let largestOutcome = 8 << 20
}

// MARK: Encoding

/// Bytes of length-prefixed fields: how ``TaskHandoff`` travels. Every read
/// checks its bounds, so damaged bytes decode to nil, never to a wrong value.
struct HandoffWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int(_ v: Int) {
        withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { raw in
            int(raw.count)
            bytes.append(contentsOf: raw)
        }
    }

    mutating func blob(_ b: [UInt8]) {
        int(b.count)
        bytes += b
    }

    mutating func optionalInt(_ v: Int?) {
        int(v == nil ? 0 : 1)
        if let v { int(v) }
    }

    mutating func records(_ records: [ArtifactRecord]) {
        int(records.count)
        for r in records {
            string(r.name)
            string(r.hash)
            string(r.type)
            int(r.size)
            string(r.summary)
            int(r.isOwn ? 1 : 0)
        }
    }

    /// The bytes ``string(_:)`` writes for `s`.
    static func stringSize(_ s: String) -> Int { 8 + s.utf8.count }

    /// The bytes ``records(_:)`` writes for one record.
    static func size(of r: ArtifactRecord) -> Int {
        stringSize(r.name) + stringSize(r.hash) + stringSize(r.type) + 8 + stringSize(r.summary) + 8
    }
}

/// Reads what a ``HandoffWriter`` wrote; nil at the first field that is not there.
struct HandoffReader {
    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at == bytes.count }

    mutating func int() -> Int? {
        guard bytes.count - at >= 8 else { return nil }
        var v: Int64 = 0
        withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: bytes[at..<(at + 8)]) }
        at += 8
        return Int(Int64(littleEndian: v))
    }

    mutating func count() -> Int? {
        guard let n = int(), n >= 0, n <= bytes.count - at else { return nil }
        return n
    }

    /// Nil, too, when the bytes are not UTF-8.
    mutating func string() -> String? {
        guard let n = count() else { return nil }
        defer { at += n }
        return String(validating: bytes[at..<(at + n)], as: UTF8.self)
    }

    mutating func blob() -> [UInt8]? {
        guard let n = count() else { return nil }
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }

    mutating func optionalInt() -> Int?? {
        switch int() {
        case 0: return .some(nil)
        case 1: return int().map { .some($0) }
        default: return nil
        }
    }

    mutating func records(of task: Pathspec) -> [ArtifactRecord]? {
        guard let n = count() else { return nil }
        var records: [ArtifactRecord] = []
        records.reserveCapacity(n)
        for _ in 0..<n {
            guard let name = string(), let hash = string(), let type = string(), let size = int(), size >= 0,
                  let summary = string(), let own = int(), own == 0 || own == 1 else { return nil }
            records.append(ArtifactRecord(name: name, hash: hash, type: type, size: size, summary: summary,
                                          isOwn: own == 1, task: task))
        }
        return records
    }
}

extension TaskHandoff.Inputs {
    var encoded: [UInt8] {
        var w = HandoffWriter()
        w.string(pathspec.description)
        w.blob(ArtifactCodec.encode(parameters))
        w.string(SplitFrame.render(splits))
        w.int(parents.count)
        for p in parents {
            w.string(p.pathspec.description)
            w.records(p.artifacts)
        }
        return w.bytes
    }

    /// Nil when the bytes are not inputs (damaged, cut short, or with bytes after them).
    init?(decoding bytes: [UInt8]) {
        var r = HandoffReader(bytes)
        guard let spec = r.string(), let pathspec = try? Pathspec(parsing: spec), pathspec.task != nil,
              let parameters = r.blob().flatMap({ try? ArtifactCodec.decode($0) }),
              let splitText = r.string(), let n = r.count() else { return nil }
        let splits = SplitFrame.parse(splitText)
        guard SplitFrame.render(splits) == splitText else { return nil }  // a damaged frame is not dropped
        var parents: [Parent] = []
        for _ in 0..<n {
            guard let text = r.string(), let parent = try? Pathspec(parsing: text), parent.task != nil,
                  let records = r.records(of: parent) else { return nil }
            parents.append(Parent(pathspec: parent, artifacts: records))
        }
        guard r.atEnd else { return nil }
        self.init(pathspec: pathspec, parameters: parameters, splits: splits, parents: parents)
    }
}

extension TaskHandoff.Outcome {
    var encoded: [UInt8] {
        var w = HandoffWriter()
        w.records(artifacts)
        w.optionalInt(foreachCount)
        w.int(parametersRead.count)
        for p in parametersRead { w.string(p) }
        return w.bytes
    }

    /// The rows of `task`'s outcome; nil when the bytes are not one.
    init?(decoding bytes: [UInt8], task: Pathspec) {
        var r = HandoffReader(bytes)
        guard let artifacts = r.records(of: task), let foreachCount = r.optionalInt(), let n = r.count() else { return nil }
        var read: [String] = []
        for _ in 0..<n {
            guard let p = r.string() else { return nil }
            read.append(p)
        }
        guard r.atEnd else { return nil }
        self.init(artifacts: artifacts, foreachCount: foreachCount, parametersRead: read)
    }
}
