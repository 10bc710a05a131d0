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
/// A task says it only after its result is committed, so a process that
/// dies before saying is one whose exit status the runtime waits for, as
/// for a spawned task, which has no such pipe.
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

    /// The code in a line a task said, or nil when it is not one.
    static func parse<S: StringProtocol>(_ line: S) -> Int32? {
        let fields = line.split(separator: " ")
        guard fields.count == 2, fields[0] == "ended", let code = Int32(fields[1]), (0...255).contains(code) else { return nil }
        return code
    }
}
