import Foundation
import SpindleValue

/// How a run ended, or that it has not.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running, completed, failed, cancelled
}

/// How a task ended, or that it has not.
public enum TaskStatus: String, Sendable, Codable, CaseIterable {
    case running, completed, failed
}

/// One production run or spin of a flow.
public struct RunRecord: Sendable, Equatable {
    public var flow: String
    public var id: RunID
    public var status: RunStatus
    /// The run's parameters, as an object.
    public var parameters: Value
    public var tags: [String]
    public var started: Date
    public var ended: Date?
    /// The run this one resumed, or the run a spin took its parents from.
    public var origin: RunID?
    /// For a spin: the task it re-ran (a pathspec), when there was one.
    public var originTask: String?
    /// For a spin: the overrides used, as an object.
    public var overrides: Value?
    /// The flow binary that ran it, so that tools can spin it later.
    public var binary: String?
    /// Why it failed or was cancelled.
    public var error: String?
    /// The process that runs it, while it runs.
    public var pid: Int?
    /// The machine that process runs on (a shared store's runs come from many).
    public var host: String? = nil
    /// When that process last said it was alive.
    public var heartbeat: Date? = nil

    public var pathspec: Pathspec { Pathspec(flow: flow, run: id) }
    public var duration: TimeInterval? { ended.map { $0.timeIntervalSince(started) } }

    /// A run recorded as running whose process is gone (killed, or its machine
    /// restarted): it will never finish by itself, and `resume` can take it up.
    public var isAbandoned: Bool {
        guard status == .running else { return false }
        // Another machine's process cannot be checked from here: its heartbeat tells.
        if let host, host != Store.hostName {
            guard let heartbeat else { return false }
            return Date().timeIntervalSince(heartbeat) > Store.heartbeatTimeout
        }
        guard let pid, pid > 0 else { return true }
        return kill(pid_t(pid), 0) != 0 && errno == ESRCH
    }

    /// The status as people should read it: `unfinished` for an abandoned run.
    public var statusText: String { isAbandoned ? "unfinished" : status.rawValue }
}

/// One split of a foreach or branch that a task sits in: the step that split,
/// which split this is, and how many there were.
public struct SplitFrame: Sendable, Hashable, CustomStringConvertible {
    public var step: String
    public var index: Int
    public var count: Int
    public init(step: String, index: Int, count: Int) {
        self.step = step
        self.index = index
        self.count = count
    }
    public var description: String { "\(step):\(index):\(count)" }

    /// Parses the stored form `step:index:count,…`.
    public static func parse(_ text: String) -> [SplitFrame] {
        if text.isEmpty { return [] }
        return text.utf8.split(separator: UInt8(ascii: ",")).compactMap { part in
            let f = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard f.count == 3, let i = Int(Substring(f[1])), let c = Int(Substring(f[2])) else { return nil }
            return SplitFrame(step: String(Substring(f[0])), index: i, count: c)
        }
    }
    /// The stored form of a stack of splits.
    public static func render(_ stack: [SplitFrame]) -> String { stack.map(\.description).joined(separator: ",") }
}

/// One task: one execution of a step (with its attempts) within a run or spin.
public struct TaskRecord: Sendable, Equatable {
    public var flow: String
    public var run: RunID
    public var step: String
    public var id: Int
    public var status: TaskStatus
    /// The attempt that ran last (0 for the first).
    public var attempt: Int
    /// The tasks whose outputs were this task's inputs (pathspecs).
    public var parents: [Pathspec]
    /// The splits this task sits in, outermost first.
    public var splits: [SplitFrame]
    /// A fingerprint of the task's inputs, so resume can tell unchanged tasks.
    public var inputFingerprint: String?
    /// The task this one was cloned from (resume) or re-ran (spin).
    public var origin: Pathspec?
    /// For a foreach step: how many splits it produced.
    public var foreachCount: Int?
    public var started: Date
    public var ended: Date?
    /// Why it failed.
    public var error: String?
    /// The run parameters the step's body read, by name, recorded when it
    /// completed; `nil` when unknown (a task from an older store, or one not
    /// completed), which resume takes as "it may have read any of them".
    public var parametersRead: [String]?
    /// Where an engine ran it (a Slurm job on a node); nil for a local process.
    public var placement: TaskPlacement? = nil

    public init(flow: String, run: RunID, step: String, id: Int, status: TaskStatus = .running, attempt: Int = 0,
                parents: [Pathspec] = [], splits: [SplitFrame] = [], inputFingerprint: String? = nil,
                origin: Pathspec? = nil, foreachCount: Int? = nil, started: Date = Date(), ended: Date? = nil,
                error: String? = nil, parametersRead: [String]? = nil, placement: TaskPlacement? = nil) {
        self.flow = flow
        self.run = run
        self.step = step
        self.id = id
        self.status = status
        self.attempt = attempt
        self.parents = parents
        self.splits = splits
        self.inputFingerprint = inputFingerprint
        self.origin = origin
        self.foreachCount = foreachCount
        self.started = started
        self.ended = ended
        self.error = error
        self.parametersRead = parametersRead
        self.placement = placement
    }

    public var pathspec: Pathspec { Pathspec(flow: flow, run: run, step: step, task: id) }
    public var duration: TimeInterval? { ended.map { $0.timeIntervalSince(started) } }
}

/// An artifact's metadata: enough to list it without reading its blob.
public struct ArtifactRecord: Sendable, Equatable {
    public var name: String
    /// The name of its encoded bytes' blob (``BlobName``: their SHA-256, or that of their chunk tree when large).
    public var hash: String
    /// The value's type for people (`[Double]`, `Object`, `Int`).
    public var type: String
    /// The encoded size in bytes.
    public var size: Int
    /// A one-line summary of the value.
    public var summary: String
    /// Whether the task set it itself (false: carried over from a parent).
    public var isOwn: Bool
    /// The task it belongs to.
    public var task: Pathspec

    public init(name: String, hash: String, type: String, size: Int, summary: String, isOwn: Bool, task: Pathspec) {
        self.name = name
        self.hash = hash
        self.type = type
        self.size = size
        self.summary = summary
        self.isOwn = isOwn
        self.task = task
    }
}

/// What a task handed over for its runtime to commit as its completion
/// (``Store/commit(completing:starting:)``): the rows ``Store/completeTask(_:artifacts:foreachCount:parametersRead:log:reading:)`` takes.
public struct TaskCompletion: Sendable, Equatable {
    public var task: Pathspec
    public var artifacts: [ArtifactRecord]
    public var foreachCount: Int?
    public var parametersRead: [String]?
    public var log: TaskLog?

    public init(task: Pathspec, artifacts: [ArtifactRecord], foreachCount: Int?, parametersRead: [String]?, log: TaskLog?) {
        self.task = task
        self.artifacts = artifacts
        self.foreachCount = foreachCount
        self.parametersRead = parametersRead
        self.log = log
    }

    /// The artifact rows as ``Store/artifacts(of:)`` reads them back once committed: the task's
    /// own first, then by name, each naming the task.
    public var rowsAsStored: [ArtifactRecord] {
        artifacts.map { a in
            var a = a
            a.task = task
            return a
        }.sorted { a, b in
            // As SQLite orders them: own first, then names byte by byte.
            a.isOwn != b.isOwn ? a.isOwn : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }
}

/// The captured output of one attempt of a task.
public struct TaskLog: Sendable, Equatable {
    public var attempt: Int
    public var stdout: String
    public var stderr: String
    /// Whether output beyond the store's bound was dropped.
    public var truncated: Bool

    public init(attempt: Int, stdout: String, stderr: String, truncated: Bool) {
        self.attempt = attempt
        self.stdout = stdout
        self.stderr = stderr
        self.truncated = truncated
    }

    /// A first attempt that printed nothing: the store keeps no row for it.
    var isSilentFirst: Bool { attempt == 0 && stdout.isEmpty && stderr.isEmpty && !truncated }
}

/// Where an engine ran a task: which engine, its job, the node.
public struct TaskPlacement: Sendable, Equatable, CustomStringConvertible {
    public var engine: String
    public var job: String
    public var node: String?
    public init(engine: String, job: String, node: String?) {
        self.engine = engine
        self.job = job
        self.node = node
    }

    /// `slurm job 12 on node vm`.
    public var description: String { "\(engine) job \(job)" + (node.map { " on node \($0)" } ?? "") }

    /// A command that shows the engine's own record of the job.
    public var inspectCommand: String? { engine == "slurm" ? "scontrol show job \(job)" : nil }
}
