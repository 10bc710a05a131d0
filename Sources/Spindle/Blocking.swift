import Foundation
import Synchronization

/// Runs async work to completion from synchronous command code. The work runs
/// on the concurrency pool; nothing in Spindle needs the main actor, so
/// blocking the main thread while it runs cannot deadlock.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { let v = try await body(); result.withLock { $0 = .success(v) } } catch { result.withLock { $0 = .failure(error) } }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}
