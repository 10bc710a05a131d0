import Foundation
import Synchronization

/// Hands Ctrl-C and SIGTERM to Swift code on a thread of its own.
///
/// A Dispatch signal source needs the signal ignored (`SIG_IGN`) and reads it
/// through `signalfd`, which only sees a signal the receiving thread blocks:
/// a SIGTERM aimed at the process could land on a thread that does not block
/// it and be dropped, now and then, under load. This installs a real handler
/// instead, which only writes the signal's number to a pipe (all a handler
/// may safely do); one thread reads the pipe and calls the handlers watching
/// that signal. A signal is never lost.
///
/// ```swift
/// let watch = SignalWatch([SIGINT, SIGTERM]) { signal in registry.killAll(SIGTERM) }
/// defer { watch.stop() }
/// ```
public final class SignalWatch: Sendable {
    /// The pipe's write end, for the C handler (which can capture nothing).
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    private static let watches = Mutex<(next: Int, handlers: [Int: (signals: [Int32], body: @Sendable (Int32) -> Void)])>((0, [:]))
    private static let started = Mutex(false)
    private let id: Int
    private let signals: [Int32]
    /// The signals a watch may take (the reader thread unblocks them).
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Starts watching `signals`; `handler` runs once for each that arrives, on the watch thread.
    public init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        precondition(signals.allSatisfy(SignalWatch.handled.contains), "SignalWatch takes SIGINT, SIGTERM and SIGHUP")
        SignalWatch.startThread()
        self.signals = signals
        id = SignalWatch.watches.withLock { w in
            w.next += 1
            w.handlers[w.next] = (signals, handler)
            return w.next
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(SignalWatch.writeEnd, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for s in signals { sigaction(s, &action, nil) }
        Trace.mark("watching signals \(signals)")
    }

    /// Stops this watch; a signal no other watch wants gets its default action back.
    public func stop() {
        let stillWatched = SignalWatch.watches.withLock { w in
            w.handlers[id] = nil
            return Set(w.handlers.values.flatMap(\.signals))
        }
        for s in signals where !stillWatched.contains(s) { signal(s, SIG_DFL) }
    }

    /// Starts the watch thread now, with nothing watched yet: a process that will
    /// watch signals at a moment that counts (a standby, before its spin comes)
    /// makes the thread while it waits. (Only after any fork: a forked child
    /// has no thread but the one that forked.)
    public static func prepare() {
        startThread()
    }

    /// The pipe and its reader, made once per process.
    private static func startThread() {
        started.withLock { started in
            guard !started else { return }
            started = true
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { return }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            writeEnd = ends[1]
            let readEnd = ends[0]
            Thread.detachNewThread {
                // A process started from a thread that blocks signals (a test runner's,
                // Dispatch's) blocks them in every thread: unblock them here, so this
                // thread takes them, and the handler runs, whatever the others block.
                var set = sigset_t()
                sigemptyset(&set)
                for s in SignalWatch.handled { sigaddset(&set, s) }
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                Trace.mark("signal thread ready")
                var byte: UInt8 = 0
                while true {
                    let n = read(readEnd, &byte, 1)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    let signal = Int32(byte)
                    Trace.mark("signal \(signal) received")
                    let bodies = watches.withLock { $0.handlers.values.filter { $0.signals.contains(signal) }.map(\.body) }
                    for body in bodies { body(signal) }
                }
            }
        }
    }
}
