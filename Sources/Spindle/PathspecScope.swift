import Foundation
import SpindleStore
import Synchronization

/// What a command's pathspecs are relative to: the one thing that differed
/// between the flow binary's browsing commands and `spindle`'s. In a flow
/// binary they belong to its flow (`3/train/2` is `RatingsFlow/3/train/2`,
/// and the flow's name may lead); in `spindle` they name the flow themselves.
/// `show`, `logs`, `diff` and `shell` are one command each, in both trees.
enum PathspecScope {
    /// The flow of this binary; nil in `spindle`.
    static var flow: String? { Spindle.current.withLock { $0?.flow.name } }

    /// `text` as a pathspec of this scope.
    static func qualify(_ text: String) throws -> Pathspec {
        guard let flow else { return try Pathspec(parsing: text) }
        return try flowPathspec(text, flow: flow)
    }

    /// How a task is written here, for help texts.
    static var taskForm: String { flow == nil ? "Flow/run/step/task" : "run/step/task" }
}

/// Accepts `3/train/4` as well as `Flow/3/train/4` in a flow binary.
func flowPathspec(_ text: String, flow: String) throws -> Pathspec {
    let full = text == flow || text.hasPrefix(flow + "/") ? text : flow + "/" + text
    return try Pathspec(parsing: full)
}
