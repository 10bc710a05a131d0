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
        guard args.count > 1, args[1] == command, args.contains(where: { $0.contains(text) }) else { continue }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
           let state = stat[close...].dropFirst(2).first, state == "Z" || state == "X" {
            continue
        }
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
