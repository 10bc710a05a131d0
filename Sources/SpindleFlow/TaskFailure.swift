import Foundation
import OrderedCollections
import SpindleStore
import SpindleValue

/// What is known of a failed task, gathered for a post-mortem (the shell's
/// `error` variable, MCP's `step_context`): the error it reported, how its
/// process ended, its last lines of output, and where it crashed.
public struct TaskFailure: Sendable, Equatable {
    /// The failed task.
    public var task: Pathspec
    /// The error as recorded: the step's thrown error, or how the process ended and its last lines.
    public var message: String
    /// How the process ended: `exited with status 1 (the step threw)`, `was killed by signal 4 (SIGILL, …)`.
    public var exit: String
    /// How many attempts the task made.
    public var attempts: Int
    /// The last lines the last attempt printed (stdout, then stderr), a crash report left out.
    public var logTail: [String]
    /// The crashing thread's frames from Swift's backtracer, when the process crashed.
    public var backtrace: [String]

    /// How many lines of output ``logTail`` keeps.
    public static let tailLines = 20

    /// The failure of `record`, or nil when it did not fail.
    public init?(_ record: TaskRecord, store: Store) throws {
        guard record.status == .failed else { return nil }
        task = record.pathspec
        message = record.error ?? "no error was recorded"
        attempts = record.attempt + 1
        if message.hasPrefix("the task process ") {
            let rest = message.dropFirst("the task process ".count)
            exit = String(rest.prefix { $0 != ":" })
        } else if message.hasPrefix("timed out") {
            exit = message
        } else {
            exit = "exited with status \(TaskProcess.failedExitCode) (the step threw this error)"
        }
        let log = try store.logs(task: record.pathspec).last
        let stdout = log?.stdout ?? "", stderr = log?.stderr ?? ""
        let before = TaskLauncher.beforeCrashReport(stderr)
        func lines(_ s: Substring) -> [String] {
            var ls = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while ls.last?.isEmpty == true { ls.removeLast() }
            return ls
        }
        logTail = Array((lines(Substring(stdout)) + lines(before)).suffix(TaskFailure.tailLines))
        backtrace = TaskFailure.crashedFrames(stderr)
    }

    /// The frames of the crashed thread in a Swift crash report: the numbered
    /// lines after `Thread N … crashed:`, up to the first blank line.
    static func crashedFrames(_ stderr: String) -> [String] {
        var frames: [String] = []
        var inside = false
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inside {
                if line.hasPrefix("Thread "), line.hasSuffix("crashed:") { inside = true }
                continue
            }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { if frames.isEmpty { continue } else { break } }
            if t == "..." { continue }
            frames.append(t)
        }
        return frames
    }

    /// The failure as a value the shell's language reads (`error.message`, `error.backtrace`).
    public var value: Value {
        var o = OrderedDictionary<String, Value>()
        o["task"] = .string(task.description)
        o["message"] = .string(message)
        o["exit"] = .string(exit)
        o["attempts"] = .int(Int64(attempts))
        o["log"] = .array(logTail.map { .string($0) })
        o["backtrace"] = .array(backtrace.map { .string($0) })
        return .object(o)
    }

    /// The failure as text, for a terminal or an agent.
    public var text: String {
        var out = ["\(task) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)", "process: \(exit)"]
        if !backtrace.isEmpty { out.append("backtrace (the crashed thread):"); out += backtrace.map { "  " + $0 } }
        if !logTail.isEmpty { out.append("last output:"); out += logTail.map { "  " + $0 } }
        return out.joined(separator: "\n")
    }
}
