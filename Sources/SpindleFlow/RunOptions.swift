import Foundation
import SpindleStore
import SpindleValue

/// How to run a flow.
public struct RunOptions: Sendable {
    /// Parameter values given on the command line (the rest take defaults).
    public var parameters: [String: Value]
    /// How many tasks may run at once.
    public var maxWorkers: Int
    public var tags: [String]
    /// The flow binary, recorded with the run so tools can spin it later.
    public var binary: String
    /// What runs each task (default: a subprocess of `binary`).
    public var executor: (any TaskExecutor)?
    /// When resuming: the run to clone from, and the step to re-run from.
    public var resume: Resume?
    /// How long a task's stdout and stderr may grow in the store (each; the end is kept).
    public var logLimit: Int

    public struct Resume: Sendable {
        public var origin: RunID
        public var fromStep: String?
        public init(origin: RunID, fromStep: String? = nil) {
            self.origin = origin
            self.fromStep = fromStep
        }
    }

    public init(parameters: [String: Value] = [:], maxWorkers: Int = ProcessInfo.processInfo.activeProcessorCount,
                tags: [String] = [], binary: String = currentExecutable(), resume: Resume? = nil,
                logLimit: Int = 1 << 20) {
        self.parameters = parameters
        self.maxWorkers = max(1, maxWorkers)
        self.tags = tags
        self.binary = binary
        self.resume = resume
        self.logLimit = logLimit
        self.executor = nil
    }
}

/// The absolute path of the running executable.
public func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
