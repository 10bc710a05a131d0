import Foundation

/// Processes alive now (zombies left out) whose first argument is `command`
/// (`_task`, `spin`) and one of whose arguments contains `text` (a sandbox's
/// path, so that only one test's processes match). Linux's /proc.
func livingProcesses(command: String, containing text: String) -> [pid_t] {
    let fm = FileManager.default
    var found: [pid_t] = []
    for entry in (try? fm.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = pid_t(entry), let line = fm.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
        var args = line.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        // A task forked from a server forked from its runtime shows its title as one string (ProcessTitle),
        // split here at its spaces: the sandboxes' paths, which tests look for, have none.
        if args.count == 1 { args = args[0].split(separator: " ").map(String.init) }
        guard args.count > 1, args[1] == command, args.contains(where: { $0.contains(text) }), !hasEnded(pid) else { continue }
        found.append(pid)
    }
    return found
}

/// Waits until `condition` holds, looking every 50 ms for at most `seconds`;
/// returns whether it came to hold. For things that happen in other processes.
func eventually(within seconds: Int = 120, _ condition: () throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return (try? condition()) == true
}

/// The `_standby --listen` processes (and the task processes they forked, which
/// show the same command line) whose working directory is `directory`; only
/// those listening on their socket when `listening`.
func standbyProcesses(in directory: URL, listening: Bool) -> [pid_t] {
    let fm = FileManager.default
    // /proc/net/unix: `Num RefCount Protocol Flags Type St Inode Path`; a listening socket has flag __SO_ACCEPTCON (0x10000).
    let table = readWhole("/proc/net/unix")
    var listeningSockets = Set<String>()
    for line in table.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8, fields[7].hasPrefix("@spindle-standby-"), let flags = Int(fields[3], radix: 16), flags & 0x10000 != 0 else { continue }
        listeningSockets.insert(String(fields[6]))
    }
    let wanted = directory.resolvingSymlinksInPath().path
    var found: [pid_t] = []
    for entry in (try? fm.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = pid_t(entry), let line = fm.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
        let args = line.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard args.count > 2, args[1] == "_standby", args[2] == "--listen", !hasEnded(pid),
              let cwd = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"), cwd == wanted else { continue }
        if !listening {
            found.append(pid)
            continue
        }
        for fd in (try? fm.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
            guard let target = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:["), listeningSockets.contains(String(target.dropFirst(8).dropLast())) else { continue }
            found.append(pid)
            break
        }
    }
    return found.sorted()
}

/// Whether process `pid` has ended (gone, or a zombie).
func hasEnded(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
          let state = stat[close...].dropFirst(2).first else { return true }
    return state == "Z" || state == "X"
}

/// A file read to its end with read(2): /proc's files say they are empty, and Foundation's
/// `String(contentsOfFile:)` read only the first part of a long /proc/net/unix (a CI machine's,
/// with its servers' and browser's sockets), so standbys listed late in it went unseen.
func readWhole(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
