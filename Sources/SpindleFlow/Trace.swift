import Foundation

/// Wall-clock timestamps (ms within the current 100 s) on stderr when `SPINDLE_TRACE` is set: where a run or a task
/// spends its time, for profiling the orchestration path.
public enum Trace {
    /// Read with getenv: `ProcessInfo.environment` builds a dictionary of the
    /// whole environment, which cost each task process ~0.3 ms.
    public static let enabled = getenv("SPINDLE_TRACE") != nil

    public static func mark(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let ms = Double(ts.tv_sec % 100) * 1000 + Double(ts.tv_nsec) / 1e6
        FileHandle.standardError.write(Data(String(format: "[trace %d %9.2f ms] %@\n", getpid(), ms, what()).utf8))
    }
}
