import CForkServer
import Foundation
import SpindleStore
import Synchronization

/// Watches one task process on one thread: reads its stdout and stderr
/// line by line, and sees it exit, with a single poll(2) over both pipes and
/// a pidfd of the process.
///
/// It replaces a thread per pipe, a thread blocked in waitpid and a thread
/// per pipe waiting for its end — five thread starts per task in the
/// runtime, which a 50-way foreach's `strace` counted as most of its
/// clone, mprotect and madvise calls.
///
/// Where the kernel has no pidfds (before Linux 5.3), the thread wakes every
/// 20 ms to ask whether the process has ended.
final class ChildWatch: Sendable {
    private struct State {
        var status: ExitStatus?
        var exitWaiter: CheckedContinuation<ExitStatus, Never>?
        var output: (stdout: LogTail, stderr: LogTail)?
        var outputWaiter: CheckedContinuation<(stdout: LogTail, stderr: LogTail), Never>?
        var outcome: [UInt8]?
    }
    private let state = Mutex(State())

    /// Starts watching `child`: each complete line of its stdout and stderr goes to `line` (true for stderr).
    init(_ child: ChildProcess, logLimit: Int, line: @escaping @Sendable (String, Bool) -> Void) {
        let pid = child.pid, out = child.stdout, err = child.stderr, end = child.end
        Self.watching.withLock { $0 += 1 }
        detachThread { [self] in
            self.watch(pid: pid, stdout: out, stderr: err, end: end, logLimit: logLimit, line: line)
            Self.watching.withLock { $0 -= 1 }
        }
    }

    /// Watches whose process may not be reaped yet: a forked task's end is announced before its
    /// process is reaped, so a run can finish while its last task is still this process's to reap.
    private static let watching = Mutex(0)

    /// Waits, at most `seconds`, until every watched process has been reaped (and what it left
    /// in its group): for a process about to exit, whose children it had not reaped would
    /// otherwise be left to an ancestor. True when none is left.
    @discardableResult
    public static func awaitReaped(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while watching.withLock({ $0 }) > 0 {
            if Date() > deadline { return false }
            usleep(200)
        }
        return true
    }

    /// How the process ended, once it has.
    func exited() async -> ExitStatus {
        await withCheckedContinuation { c in
            let now = state.withLock { s -> ExitStatus? in
                if let status = s.status { return status }
                s.exitWaiter = c
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    /// The rows a forked task handed over for its runtime to commit (``TaskHandoff``), known
    /// once ``exited()`` has returned; nil when it handed none over.
    var outcome: [UInt8]? { state.withLock { $0.outcome } }

    /// What the process wrote to each pipe (the last `logLimit` bytes), once both have closed.
    func output() async -> (stdout: LogTail, stderr: LogTail) {
        await withCheckedContinuation { c in
            let now = state.withLock { s -> (stdout: LogTail, stderr: LogTail)? in
                if let output = s.output { return output }
                s.outputWaiter = c
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    /// `end`, when not -1, is the pipe a forked task says how it ended on (``TaskEnd``): with
    /// its line read and both output pipes closed, the exit is announced before the process is
    /// reaped, which this thread then waits for as before.
    private func watch(pid: pid_t, stdout: Int32, stderr: Int32, end: Int32, logLimit: Int,
                       line: @escaping @Sendable (String, Bool) -> Void) {
        var tails = [LogTail(limit: logLimit), LogTail(limit: logLimit)]
        var open = [stdout, stderr]
        var endPipe = end
        var said = TaskEnd.Reading()
        var saidCode: Int32?
        let pidfd = spindle_pidfd_open(pid)
        var ended = false, announced = false, published = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        // The output is handed over as soon as both pipes have closed and the exit is known (a
        // forked task says it before it is reaped), so its launcher moves on while this thread reaps.
        func publishIfDone() {
            guard !published, announced, !open.contains(where: { $0 >= 0 }) else { return }
            published = true
            publish((stdout: tails[0], stderr: tails[1]))
        }
        func announceOnce(_ exit: ExitStatus) {
            guard !announced else { return }
            announced = true
            announce(exit)
        }
        func closeEndPipe() {
            if endPipe >= 0 { close(endPipe) }
            endPipe = -1
        }
        func takeSaid(_ bytes: ArraySlice<UInt8>) {
            if said.take(bytes) {
                saidCode = said.code
                if let outcome = said.outcome { state.withLock { $0.outcome = outcome } }
                closeEndPipe()
            }
        }
        // Once the process is gone, all it said is in the pipe: read the rest (a large outcome
        // takes several reads) before its exit is announced, never blocking on a writer that is left.
        func drainEndPipe() {
            guard endPipe >= 0 else { return }
            _ = fcntl(endPipe, F_SETFL, fcntl(endPipe, F_GETFL) | O_NONBLOCK)
            while endPipe >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(endPipe, $0.baseAddress, $0.count) }
                if n > 0 {
                    takeSaid(buffer[0..<n])
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    closeEndPipe()
                }
            }
        }
        while !ended || open.contains(where: { $0 >= 0 }) {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: endPipe, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: ended ? -1 : pidfd, events: Int16(POLLIN), revents: 0))
            let timeout: Int32 = ended || pidfd >= 0 ? -1 : 20
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 {
                // poll itself failed (no memory): stop reading, but never leave the exit unseen.
                for i in 0..<2 where open[i] >= 0 {
                    tails[i].finish { line($0, i == 1) }
                    close(open[i])
                    open[i] = -1
                }
                if !ended, let exit = reap(pid, blocking: true) {
                    ended = true
                    drainEndPipe()
                    announceOnce(exit)
                }
                break
            }
            for i in 0..<2 where open[i] >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(open[i], $0.baseAddress, $0.count) }
                if n > 0 {
                    tails[i].append(buffer[0..<n]) { line($0, i == 1) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    tails[i].finish { line($0, i == 1) }
                    close(open[i])
                    open[i] = -1
                }
            }
            if endPipe >= 0 && fds[2].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(endPipe, $0.baseAddress, $0.count) }
                if n > 0 {
                    takeSaid(buffer[0..<n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    closeEndPipe()
                }
            }
            if let saidCode, !open.contains(where: { $0 >= 0 }) {
                announceOnce(ExitStatus(code: saidCode, signal: nil))
            }
            if !ended && (pidfd < 0 || fds[3].revents != 0), let exit = reap(pid, blocking: pidfd >= 0) {
                ended = true
                drainEndPipe()
                announceOnce(exit)
            }
            publishIfDone()
        }
        closeEndPipe()
        if pidfd >= 0 { close(pidfd) }
        // What the task left in its process group, killed by the launcher once the task ended, is this
        // process's to reap: it is the subreaper of its descendants (``ForkServer``), and init no longer is.
        // Those still dying (the kill is on its way) are waited for a little: at most 50 ms, and only
        // when the task left any behind.
        var leftover: Int32 = 0
        for _ in 0..<50 {
            let r = waitpid(-pid, &leftover, WNOHANG)
            if r > 0 { continue }
            if r < 0 && errno == EINTR { continue }
            if r < 0 { break }  // none left in the group
            usleep(1000)
        }
        if !published { publish((stdout: tails[0], stderr: tails[1])) }
    }

    /// Records what the process wrote and wakes whoever waits for it.
    private func publish(_ result: (stdout: LogTail, stderr: LogTail)) {
        let waiter = state.withLock { s in
            s.output = result
            defer { s.outputWaiter = nil }
            return s.outputWaiter
        }
        waiter?.resume(returning: result)
    }

    /// How `pid` ended, once it has (with `blocking`, waiting for it); nil while it still runs.
    private func reap(_ pid: pid_t, blocking: Bool) -> ExitStatus? {
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while r < 0 && errno == EINTR
        if r == 0 { return nil }
        return r == pid ? ExitStatus(waitStatus: status) : ExitStatus(code: -1, signal: nil)
    }

    /// Records the exit and wakes whoever waits for it.
    private func announce(_ exit: ExitStatus) {
        let waiter = state.withLock { s in
            s.status = exit
            defer { s.exitWaiter = nil }
            return s.exitWaiter
        }
        waiter?.resume(returning: exit)
    }
}

/// Splits bytes that come in chunks into lines; a line longer than 64 KiB
/// is handed on in pieces, and a last line without a newline at the end.
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    mutating func append(_ chunk: ArraySlice<UInt8>, line: (String) -> Void) {
        pending.append(contentsOf: chunk)
        var start = pending.startIndex
        while let nl = pending[start...].firstIndex(of: 10) {
            line(String(decoding: pending[start..<nl], as: UTF8.self))
            start = nl + 1
        }
        pending.removeFirst(start - pending.startIndex)
        if pending.count > 65536 {
            line(String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
    }

    /// Hands on a last line that had no newline.
    mutating func finish(line: (String) -> Void) {
        if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        pending.removeAll()
    }
}

/// The end of what a process wrote to one pipe: split into lines as it
/// comes, and only the last `limit` bytes kept.
struct LogTail: Sendable {
    let limit: Int
    private var kept: [UInt8] = []
    private var lines = LineSplitter()
    /// Whether bytes before the kept ones were dropped.
    private(set) var truncated = false

    init(limit: Int) { self.limit = limit }

    /// The kept bytes as text.
    var text: String {
        String(decoding: kept.count > limit ? kept.suffix(limit) : kept[...], as: UTF8.self)
    }

    /// Whether anything was dropped, counting what ``text`` leaves out.
    var wasTruncated: Bool { truncated || kept.count > limit }

    mutating func append(_ chunk: ArraySlice<UInt8>, line: (String) -> Void) {
        kept.append(contentsOf: chunk)
        if kept.count > 2 * limit {
            kept.removeFirst(kept.count - limit)
            truncated = true
        }
        lines.append(chunk, line: line)
    }

    /// Hands on a last line that had no newline.
    mutating func finish(line: (String) -> Void) {
        lines.finish(line: line)
    }
}
