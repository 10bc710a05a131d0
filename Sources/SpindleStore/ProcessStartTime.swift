import Foundation

/// When a process started, as wall-clock time, from Linux's /proc.
///
/// A pid names a process only until that process ends; the system then hands
/// it to another (here within minutes: pid_max is 32768 on some machines). A
/// run records its process's pid, so a live process with that pid is the
/// run's only if it started before the run was recorded
/// (``RunRecord/isAbandoned``).
///
/// ```swift
/// if let began = ProcessStartTime.of(pid), began > run.started { /* another process */ }
/// ```
enum ProcessStartTime {
    /// When process `pid` started, to within a second; nil when that cannot
    /// be read (no such process, or no /proc).
    static func of(_ pid: pid_t) -> Date? {
        guard let boot = bootTime, ticksPerSecond > 0, let stat = text(of: "/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (command)" come the state (the 1st field here) … the start in clock ticks after boot (the 20th).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return boot.addingTimeInterval(ticks / ticksPerSecond)
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// When the machine booted (`btime` in /proc/stat, whole seconds).
    private static let bootTime: Date? = {
        guard let stat = text(of: "/proc/stat"),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let seconds = Double(line.dropFirst("btime ".count)) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }()

    /// The whole of a /proc file. Read to its end: Foundation's readers have
    /// returned only the first part of a long one, and /proc/stat is long.
    private static func text(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
