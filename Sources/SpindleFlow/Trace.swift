import Foundation

/// Wall-clock timestamps (ms within the current 100 s) on stderr when `SPINDLE_TRACE` is set: where a run or a task
/// spends its time, for profiling the orchestration path.
public enum Trace {
    public static let enabled = ProcessInfo.processInfo.environment["SPINDLE_TRACE"] != nil

    public static func mark(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let ms = Double(ts.tv_sec % 100) * 1000 + Double(ts.tv_nsec) / 1e6
        FileHandle.standardError.write(Data(String(format: "[trace %d %9.2f ms] %@\n", getpid(), ms, what()).utf8))
    }
}
