import Foundation
import SpindleStore
import SpindleValue

/// What the runtime tells a task process to do: the hidden `_task` command's
/// arguments. Every field travels as its own argument, never through a shell.
public struct TaskInvocation: Sendable, Equatable {
    public var store: String
    public var flow: String
    public var run: RunID
    public var step: String
    public var task: Int
    public var attempt: Int
    public var parents: [Pathspec]
    public var splits: [SplitFrame]
    /// When set, a failure is caught and stored as this artifact.
    public var catchArtifact: String?
    /// A file holding a spin's overrides (``SpinOverrides``, in the artifact format).
    public var overridesFile: String?
    /// The task's inputs, when its runtime hands them over (``TaskHandoff``): not an argument,
    /// it goes with a fork request, and a task spawned instead reads them from the store.
    var handoff: TaskHandoff.Inputs?

    public init(store: String, flow: String, run: RunID, step: String, task: Int, attempt: Int = 0,
                parents: [Pathspec] = [], splits: [SplitFrame] = [], catchArtifact: String? = nil,
                overridesFile: String? = nil) {
        self.store = store
        self.flow = flow
        self.run = run
        self.step = step
        self.task = task
        self.attempt = attempt
        self.parents = parents
        self.splits = splits
        self.catchArtifact = catchArtifact
        self.overridesFile = overridesFile
    }

    /// The name of the hidden subcommand.
    public static let command = "_task"

    public var pathspec: Pathspec { Pathspec(flow: flow, run: run, step: step, task: task) }

    /// The argument vector after the subcommand. The parents and splits are
    /// not in it: the task process reads them from its own row, which the
    /// runtime records before starting it. A join's parents in one argument
    /// failed past a few thousand splits ("Argument list too long": Linux caps
    /// one argument at 128 KiB), and the row holds them anyway.
    public var arguments: [String] {
        var a = ["--store", store, "--flow", flow, "--run", run.description, "--step", step,
                 "--task", String(task), "--attempt", String(attempt)]
        if let catchArtifact { a += ["--catch", catchArtifact] }
        if let overridesFile { a += ["--overrides", overridesFile] }
        return a
    }

    /// Parses the argument vector after the subcommand.
    public init(arguments: [String]) throws(FlowError) {
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let key = arguments[i]
            guard key.hasPrefix("--"), i + 1 < arguments.count else { throw .usage("_task: unexpected argument '\(key)'") }
            values[String(key.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
        func need(_ k: String) throws(FlowError) -> String {
            guard let v = values[k] else { throw .usage("_task: missing --\(k)") }
            return v
        }
        store = try need("store")
        flow = try need("flow")
        guard let r = RunID(try need("run")) else { throw .usage("_task: bad --run") }
        run = r
        step = try need("step")
        guard let t = Int(try need("task")) else { throw .usage("_task: bad --task") }
        task = t
        attempt = Int(values["attempt"] ?? "0") ?? 0
        do {
            parents = try (values["parents"] ?? "").split(separator: ",").map { try Pathspec(parsing: String($0)) }
        } catch { throw .usage("_task: bad --parents: \(error)") }
        splits = SplitFrame.parse(values["splits"] ?? "")
        catchArtifact = values["catch"]
        overridesFile = values["overrides"]
    }
}
