import Foundation

/// Runs `body` on a new detached POSIX thread: for the runtime's per-task
/// watcher and a streamed child's readers, which need a thread and nothing
/// of Foundation's `Thread` (its object, its thread-local set-up and its
/// start-up hand-shake were a tenth of a foreach runtime's CPU, `perf`).
/// Falls back to Foundation's thread when no POSIX thread can be made.
func detachThread(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(DetachedBody(body)).toOpaque()
    var thread: pthread_t = 0
    let created = pthread_create(&thread, nil, { context in
        let body = Unmanaged<DetachedBody>.fromOpaque(context!).takeRetainedValue()
        body.run()
        return nil
    }, box)
    if created == 0 {
        pthread_detach(thread)
    } else {
        let body = Unmanaged<DetachedBody>.fromOpaque(box).takeRetainedValue()
        Thread.detachNewThread { body.run() }
    }
}

private final class DetachedBody: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
