import Foundation
import Synchronization

/// Runs async work to completion from synchronous command code.
///
/// The work starts on this thread and stays on it until it first suspends
/// (`Task.immediateDetached`); only then does it move to the concurrency
/// pool, while this thread waits. A task whose step never suspends — most of
/// them — so runs without the pool's first thread: its creation, its stack
/// and its own malloc arena were about 8 % of a trivial task's system calls.
/// Nothing in Spindle needs the main actor, so blocking the main thread
/// while the work runs cannot deadlock.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.immediateDetached {
        do { let v = try await body(); result.withLock { $0 = .success(v) } } catch { result.withLock { $0 = .failure(error) } }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}
