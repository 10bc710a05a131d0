import Foundation
import SpindleStore

/// How a forked task process tells its runtime (or spin) that it has ended,
/// and with what exit code, before its process is gone: one line,
/// `ended CODE`, on a pipe the fork request brought (its read end is the
/// runtime's), then its stdout and stderr closed. The runtime's
/// ``ChildWatch`` takes the task as ended when it has the line and both
/// pipes have closed; it reaps the process once the kernel has torn it down
/// (about a millisecond later, a millisecond a spin's task no longer waits).
///
/// A task says it only after its result is committed, or handed to its
/// runtime to commit (sent first: `outcome LENGTH`, a newline and that many
/// bytes of ``TaskHandoff/Outcome``), so a process that dies before saying
/// is one whose exit status the runtime waits for, as for a spawned task,
/// which has no such pipe.
public enum TaskEnd {
    /// The descriptor of the pipe, in a forked task process; -1 elsewhere.
    nonisolated(unsafe) public static var descriptor: Int32 = -1

    /// Says `code`, then closes the pipe, stdout and stderr. Call it last, just before `_exit(code)`,
    /// with everything flushed.
    public static func say(_ code: Int32) {
        guard descriptor >= 0 else { return }
        _ = FileIO.writeAll(descriptor, "ended \(code)\n")
        close(descriptor)
        detachOutput()
    }

    /// Sends the rows of what the task stored for its runtime to commit; false when it cannot
    /// (no pipe, or its runtime has gone), and the task must commit them itself.
    /// `fd` is the pipe (``descriptor`` in a forked task).
    static func handOver(_ outcome: [UInt8], to fd: Int32 = descriptor) -> Bool {
        guard fd >= 0, outcome.count <= TaskHandoff.largestOutcome else { return false }
        // A runtime that has gone must not kill the task with SIGPIPE: it commits its rows itself
        // then. The signal is blocked on this thread only, and one the write raised is taken back
        // before it is unblocked; the process's handlers are left as the step set them.
        var pipeSignal = sigset_t(), old = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &old)
        let message = Array("outcome \(outcome.count)\n".utf8) + outcome
        let failed = message.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if failed == EPIPE {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var none = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &none)
            }
        }
        pthread_sigmask(SIG_SETMASK, &old, nil)
        return failed == 0
    }

    /// Points stdout and stderr at /dev/null, closing the pipes they were (so their reader sees
    /// their end) while 1 and 2 stay taken: a file opened after cannot get those numbers and
    /// receive a late write meant for the output.
    static func detachOutput() {
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, 1)
            dup2(null, 2)
            if null > 2 { close(null) }
        } else {
            close(1)
            close(2)
        }
    }

    /// What a runtime reads from a task's pipe, as it comes: the outcome the task handed over,
    /// if any, then its exit code.
    struct Reading {
        private var pending: [UInt8] = []
        private var outcomeLength: Int?
        private var outcomeRead: [UInt8]?
        /// The rows the task handed over (``TaskHandoff``): only once its exit code has come after
        /// them whole, and never after damage.
        var outcome: [UInt8]? { isDamaged || code == nil ? nil : outcomeRead }
        /// The exit code the task said, once said.
        private(set) var code: Int32?
        /// Set when the bytes are not what a task says: the pipe is then ignored.
        private(set) var isDamaged = false

        /// Takes the next bytes; true once there is nothing more to read (the code came, or damage).
        mutating func take(_ bytes: ArraySlice<UInt8>) -> Bool {
            pending += bytes
            while !isDamaged && code == nil {
                if let n = outcomeLength {
                    guard pending.count >= n else { break }
                    outcomeRead = Array(pending.prefix(n))
                    pending.removeFirst(n)
                    outcomeLength = nil
                    continue
                }
                guard let newline = pending.firstIndex(of: 10) else {
                    if pending.count > 64 { isDamaged = true }
                    break
                }
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                if let said = TaskEnd.parse(line) {
                    code = said
                } else if outcomeRead == nil, line.hasPrefix("outcome "), let n = Int(line.dropFirst("outcome ".count)),
                          (0...TaskHandoff.largestOutcome).contains(n) {
                    outcomeLength = n
                } else {
                    isDamaged = true
                }
            }
            return code != nil || isDamaged
        }
    }

    /// The code in a line a task said, or nil when it is not one.
    static func parse<S: StringProtocol>(_ line: S) -> Int32? {
        let fields = line.split(separator: " ")
        guard fields.count == 2, fields[0] == "ended", let code = Int32(fields[1]), (0...255).contains(code) else { return nil }
        return code
    }
}
