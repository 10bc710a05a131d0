import Foundation
import SpindleStore
import SpindleValue
import OrderedCollections

/// What a spin did, as the `spin` command hands it to another process: the
/// JSON that `--report FILE` writes and `--json` prints. The shell and
/// `watch` read it back with ``read(from:)``; nothing parses spin's text.
public struct SpinReport: Codable, Sendable, Equatable {
    /// One task the spin ran.
    public struct Task: Codable, Sendable, Equatable {
        /// The spun task: `Flow/spin-N/step/id`.
        public var task: String
        public var status: String
        /// Its place among foreach splits, for people: `[region 2 of 3, shop 1 of 2]`.
        public var place: String?
        /// The task of the source run it re-ran.
        public var original: String?
        public var error: String?
        /// Its outputs against the original's (``ValueDiff/jsonValue``).
        public var diff: Value?
    }

    /// The spin: `Flow/spin-N`.
    public var spin: String
    /// The run its parents came from.
    public var source: String
    public var succeeded: Bool
    /// Whether any task's outputs differ from its original's.
    public var changed: Bool
    /// The inputs it replaced (``SpinOverrides/value``).
    public var overrides: Value
    public var warnings: [String]
    public var tasks: [Task]

    /// The report of `outcome`; `shape` names each task's place.
    public init(_ outcome: SpinOutcome, shape: FlowShape? = nil) {
        spin = outcome.run.pathspec.description
        source = outcome.source.pathspec.description
        succeeded = outcome.succeeded
        changed = outcome.changed
        overrides = outcome.run.overrides ?? .object([:])
        warnings = outcome.warnings
        tasks = outcome.tasks.map { t in
            let place = shape?.describe(t.task.splits)
            return Task(task: t.task.pathspec.description, status: t.task.status.rawValue,
                        place: place?.isEmpty == false ? place : nil, original: t.original?.description,
                        error: t.task.error, diff: t.diff?.jsonValue)
        }
    }

    /// The first spun task, as a pathspec.
    public var firstTask: Pathspec? { tasks.first.flatMap { try? Pathspec(parsing: $0.task) } }
    /// The task the first spun task re-ran.
    public var firstOriginal: Pathspec? { tasks.first?.original.flatMap { try? Pathspec(parsing: $0) } }

    /// JSON, keys sorted; NaN and the infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public func json(pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Writes the report to `path` (not synced to disk: it is read at once).
    public func write(to path: String) throws {
        try FileIO.writeFile(path, Array(try json().utf8), what: "the spin report")
    }

    /// Reads a report written by ``write(to:)``.
    public static func read(from path: String) throws -> SpinReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(SpinReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
