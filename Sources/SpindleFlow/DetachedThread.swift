import Foundation

/// Runs `body` on a detached POSIX thread: for the runtime's per-task
/// watcher and a streamed child's readers, which need a thread and nothing
/// of Foundation's `Thread` (its object, its thread-local set-up and its
/// start-up hand-shake were a tenth of a foreach runtime's CPU, `perf`).
///
/// A thread whose body has ended waits a while for the next one
/// (``ThreadReserve``) instead of ending: a run starts a watcher for every
/// task, and making and ending a thread for each was 4 % of a foreach
/// runtime's CPU. Falls back to Foundation's thread when no POSIX thread can
/// be made.
func detachThread(_ body: @escaping @Sendable () -> Void) {
    ThreadReserve.shared.run(body)
}

/// Threads that have run a ``detachThread(_:)`` body and wait, for at most
/// ``linger``, to run the next; at most ``maxWaiting`` wait at once. A
/// process that forks must not have any (a fork copies one thread): the
/// processes that fork (a fork server, a spin before it forks its task) do
/// so before they start any.
final class ThreadReserve: @unchecked Sendable {
    static let shared = ThreadReserve()

    /// How many threads may wait for work at once.
    static let maxWaiting = 8
    /// How long a thread waits for work before it ends, in seconds.
    static let linger = 2

    // A pthread mutex and condition, not Synchronization's Mutex, which has no condition to wait on.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// Bodies handed over and not yet taken; guarded by `lock`.
    private var pending: [@Sendable () -> Void] = []
    /// Threads waiting for a body; guarded by `lock`.
    private var waiting = 0

    init() {
        lock = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wake, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Runs `body` on a waiting thread, or on a new one when none waits for it.
    func run(_ body: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(lock)
        if waiting > pending.count {
            pending.append(body)
            pthread_cond_signal(wake)
            pthread_mutex_unlock(lock)
            return
        }
        pthread_mutex_unlock(lock)
        let box = Unmanaged.passRetained(ReserveStart(self, body)).toOpaque()
        var thread: pthread_t = 0
        let created = pthread_create(&thread, nil, { context in
            let start = Unmanaged<ReserveStart>.fromOpaque(context!).takeRetainedValue()
            start.reserve.work(first: start.body)
            return nil
        }, box)
        if created == 0 {
            pthread_detach(thread)
        } else {
            let start = Unmanaged<ReserveStart>.fromOpaque(box).takeRetainedValue()
            Thread.detachNewThread { start.body() }
        }
    }

    /// A thread's life: its first body, then each it is handed while it waits.
    private func work(first: @escaping @Sendable () -> Void) {
        var next: (@Sendable () -> Void)? = first
        while next != nil {
            next!()
            next = nil  // let go of what the body holds before waiting for the next one
            pthread_mutex_lock(lock)
            if waiting < Self.maxWaiting {
                waiting += 1
                var deadline = timespec()
                clock_gettime(CLOCK_MONOTONIC, &deadline)
                deadline.tv_sec += Self.linger
                while pending.isEmpty {
                    if pthread_cond_timedwait(wake, lock, &deadline) == ETIMEDOUT { break }
                }
                waiting -= 1
                if !pending.isEmpty { next = pending.removeFirst() }
            }
            pthread_mutex_unlock(lock)
        }
    }

    private final class ReserveStart: @unchecked Sendable {
        let reserve: ThreadReserve
        let body: @Sendable () -> Void
        init(_ reserve: ThreadReserve, _ body: @escaping @Sendable () -> Void) {
            self.reserve = reserve
            self.body = body
        }
    }
}
