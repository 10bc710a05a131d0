import Synchronization

/// The running task processes, so that Ctrl-C can end them all.
public final class ChildRegistry: Sendable {
    public init() {}
    /// The running children, and the last signal `killAll` sent, if any.
    let children = Mutex<(running: [Int: ChildProcess], ended: Int32?)>(([:], nil))
    /// Registers a child; one started after `killAll` (a stop that came while
    /// it was being started) gets that signal at once instead of running on.
    func add(_ id: Int, _ c: ChildProcess) {
        children.withLock {
            $0.running[id] = c
            if let signal = $0.ended { c.kill(signal) }
        }
    }
    func remove(_ id: Int) { _ = children.withLock { $0.running.removeValue(forKey: id) } }
    /// Sends `signal` to every running task's process group, and to any registered from now on.
    public func killAll(_ signal: Int32) {
        children.withLock {
            $0.ended = signal
            for c in $0.running.values { c.kill(signal) }
        }
    }
}

/// A flag set once from any thread (a run stopping, a timeout firing).
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
