import Foundation
import SpindleFlow
import Synchronization

/// The spin commands the server has started, so that a cancelled call and the
/// server's own exit end them.
///
/// Each spin runs `FLOW spin …` in a process group of its own
/// (``runStreaming(_:_:environment:line:interrupted:)``), waited for on a
/// thread of its own so a long spin holds none of the server's threads. To
/// stop one, the server sends its group SIGINT, as Ctrl-C would: the spin
/// command ends its task's process group and records the spin `cancelled`.
/// The child also gets `SPINDLE_PARENT_PID`, and ends itself the same way if
/// the server dies without a word (killed with SIGKILL).
final class SpinProcesses: Sendable {
    private struct State {
        var running: [Int: Flag] = [:]
        var next = 0
        var stopping = false
    }
    private let state = Mutex(State())

    /// A stop request for one spin.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    /// What a spin command did.
    struct Result: Sendable {
        var status: ExitStatus
        var output: String
        /// Whether it was stopped (the call cancelled, or the server exiting).
        var stopped: Bool
    }

    /// Runs `binary` with `arguments` to its end, or until the calling task is
    /// cancelled or ``stopAll(within:)`` is called, and returns its status and output.
    func run(_ binary: String, _ arguments: [String]) async throws -> Result {
        let flag = Flag()
        let id = try state.withLock { s -> Int in
            guard !s.stopping else { throw ToolError("the server is shutting down") }
            s.next += 1
            s.running[s.next] = flag
            return s.next
        }
        let environment = spinEnvironment.merging(["SPINDLE_PARENT_PID": String(getpid())]) { $1 }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Result, any Error>) in
                Thread.detachNewThread { [self] in
                    let collected = LineCollector()
                    let outcome = Swift.Result {
                        let status = try runStreaming(binary, arguments, environment: environment,
                                                      line: { l, _ in collected.append(l) },
                                                      interrupted: { flag.isSet })
                        return Result(status: status, output: collected.text, stopped: flag.isSet)
                    }
                    _ = self.state.withLock { $0.running.removeValue(forKey: id) }
                    c.resume(with: outcome)
                }
            }
        } onCancel: {
            flag.set()
        }
    }

    /// Stops every running spin and waits (at most `seconds`) for them to end.
    func stopAll(within seconds: Double) async {
        state.withLock { s in
            s.stopping = true
            for f in s.running.values { f.set() }
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline && state.withLock({ !$0.running.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
