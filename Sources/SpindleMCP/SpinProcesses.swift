import Foundation
import SpindleFlow
import Synchronization

/// The spin commands the server has started, so that a cancelled call and the
/// server's own exit end them; and the next spin's process, kept started
/// ahead as the shell keeps one (``SpinStandby``).
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
        /// The next spin's process, started ahead (as the shell keeps one): the binary and store
        /// of the last spin, loaded, store open, task process forked, a spin rehearsed.
        var standby: (binary: String, store: String, process: SpinStandby)?
    }
    private let state = Mutex(State())

    /// Whether to keep a standby (`SPINDLE_STANDBY=0` turns it off, as in the shell).
    private static let keepsStandby = getenv("SPINDLE_STANDBY").map { String(cString: $0) != "0" } ?? true

    deinit {
        state.withLock { $0.standby }?.process.discard()
    }

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
    /// With `store`, a spin's store: it runs in the standby kept for `binary` and `store`
    /// when there is a current one, and a standby is started for the next spin after it.
    func run(_ binary: String, _ arguments: [String], store: String? = nil) async throws -> Result {
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
                        let line: @Sendable (String, Bool) -> Void = { l, _ in collected.append(l) }
                        let status: ExitStatus
                        if let ready = self.takeStandby(binary: binary, store: store),
                           let done = try? ready.run(arguments, line: line, interrupted: { flag.isSet }) {
                            status = done
                        } else {
                            // No standby, or one that could not take the spin (nothing ran): a process of its own.
                            status = try runStreaming(binary, arguments, environment: environment, line: line,
                                                      interrupted: { flag.isSet })
                        }
                        return Result(status: status, output: collected.text, stopped: flag.isSet)
                    }
                    _ = self.state.withLock { $0.running.removeValue(forKey: id) }
                    c.resume(with: outcome)
                    // The next spin's process starts now, while this one's answer goes out.
                    if let store { self.prepareStandby(binary: binary, store: store, environment: environment) }
                }
            }
        } onCancel: {
            flag.set()
        }
    }

    /// The standby for `binary` and `store` when it can still run a spin; another is discarded.
    private func takeStandby(binary: String, store: String?) -> SpinStandby? {
        guard let store, let kept = state.withLock({ s in defer { s.standby = nil }; return s.standby }) else { return nil }
        guard kept.binary == binary, kept.store == store, kept.process.isCurrent(for: binary) else {
            kept.process.discard()
            return nil
        }
        return kept.process
    }

    /// Starts the next spin's process ahead, unless the server is stopping or one is kept already.
    private func prepareStandby(binary: String, store: String, environment: [String: String]) {
        guard Self.keepsStandby, state.withLock({ !$0.stopping && $0.standby == nil }),
              let started = SpinStandby.start(binary: binary, store: store, environment: environment) else { return }
        let extra: SpinStandby? = state.withLock { s in
            guard !s.stopping, s.standby == nil else { return started }
            s.standby = (binary, store, started)
            return nil
        }
        extra?.discard()  // another spin's end got there first, or the server began to stop
    }

    /// Stops every running spin and waits (at most `seconds`) for them to end.
    func stopAll(within seconds: Double) async {
        let kept = state.withLock { s in
            s.stopping = true
            for f in s.running.values { f.set() }
            defer { s.standby = nil }
            return s.standby
        }
        kept?.process.discard()
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline && state.withLock({ !$0.running.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
