import SpindleStore
import SpindleValue

/// What to spin: a step, where its inputs come from, and what to change.
public struct SpinRequest: Sendable {
    /// The step to run.
    public var step: String
    /// The run whose tasks are the parents (default: the latest completed run that has them).
    public var run: RunID?
    /// An earlier task of this step whose inputs to reuse.
    public var task: Pathspec?
    /// Which split, for a step inside one or more foreaches (outermost first;
    /// a branch's arm is named by its step).
    public var index: SplitAddress
    /// Every split, each as its own task of the spin.
    public var allSplits: Bool
    /// Values replacing or adding inputs (artifacts and parameters), for every parent.
    public var overrides: [String: Value]
    /// Values replacing inputs of one parent of a join, by the parent's position.
    public var parentOverrides: [Int: [String: Value]]
    /// Keep retry and catch (off by default).
    public var withDecorators: Bool
    /// Turn the step's timeout off, for slow debugging by hand.
    public var noTimeout: Bool
    /// An earlier spin whose outputs replace the parent tasks they re-ran.
    public var after: RunID?
    /// How far numbers may move before the diff calls them changed.
    public var tolerance: Tolerance
    /// How many splits may run at once with `allSplits`.
    public var maxWorkers: Int

    /// The overrides in their one encoding.
    public var spinOverrides: SpinOverrides { SpinOverrides(all: overrides, byInput: parentOverrides) }

    public init(step: String, run: RunID? = nil, task: Pathspec? = nil, index: SplitAddress = .first, allSplits: Bool = false,
                overrides: [String: Value] = [:], parentOverrides: [Int: [String: Value]] = [:],
                withDecorators: Bool = false, noTimeout: Bool = false, after: RunID? = nil, tolerance: Tolerance = .exact,
                maxWorkers: Int = 2) {
        self.step = step
        self.run = run
        self.task = task
        self.index = index
        self.allSplits = allSplits
        self.overrides = overrides
        self.parentOverrides = parentOverrides
        self.withDecorators = withDecorators
        self.noTimeout = noTimeout
        self.after = after
        self.tolerance = tolerance
        self.maxWorkers = max(1, maxWorkers)
    }
}

/// Why a spin cannot start; each says what to do instead.
public enum SpinError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownStep(String, suggestion: String?)
    case parentNotRun(step: String, parent: String, run: String)
    case noRunWithParents(step: String, parents: [String])
    case joinIncomplete(step: String, parent: String, have: Int, need: Int, run: String)
    /// No task of the step sits at that address; `levels` says what each foreach level has.
    case noSuchSplit(step: String, address: String, levels: String, run: String)
    case wrongStep(task: String, step: String, wanted: String)
    case missingBlob(artifact: String, parent: String)
    case notAParentSpin(after: String, step: String)
    case notASpin(String)
    case badOverride(String)
    case parentIndexOutOfRange(index: Int, count: Int, step: String)

    public var description: String {
        switch self {
        case .unknownStep(let s, let sug):
            "the flow has no step '\(s)'" + (Suggestion.hint(sug))
        case .parentNotRun(let step, let parent, let run):
            "step '\(parent)' has no completed task in \(run): run it (or spin it) before spinning '\(step)'"
        case .noRunWithParents(let step, let parents):
            "no completed run has the inputs of '\(step)' (from \(parents.map { "'\($0)'" }.joined(separator: ", "))): run the flow, or spin \(parents.first ?? "its parent") first"
        case .joinIncomplete(let step, let parent, let have, let need, let run):
            "join '\(step)' needs all \(need) splits of '\(parent)', but \(run) has \(have) completed: run or resume it first"
        case .noSuchSplit(let step, let address, let levels, let run):
            levels.isEmpty
                ? "'\(step)' is not inside a foreach, so it has one task in \(run) and takes no --index (not \(address))"
                : "'\(step)' has no split \(address) in \(run); --index takes \(levels)"
        case .wrongStep(let task, let step, let wanted):
            "\(task) is a task of step '\(step)', not '\(wanted)'"
        case .missingBlob(let artifact, let parent):
            "input artifact '\(artifact)' of \(parent) is no longer in the store (collected by gc?): run '\(parent.split(separator: "/").dropLast().last ?? "")' again first"
        case .notAParentSpin(let after, let step):
            "\(after) did not spin a parent of '\(step)': --after takes a spin of a step just before it"
        case .notASpin(let s):
            "\(s) is not a spin; --after takes a spin's id, like spin-3"
        case .badOverride(let s):
            s
        case .parentIndexOutOfRange(let index, let count, let step):
            "'\(step)' has \(count) input\(count == 1 ? "" : "s"); inputs[\(index)] does not exist"
        }
    }
}
