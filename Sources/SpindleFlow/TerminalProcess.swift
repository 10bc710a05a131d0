import Foundation
import SpindleStore

/// Runs a program on this process's own terminal: standard input, output and
/// error inherited, in the terminal's foreground process group, so an
/// interactive program (a debugger) reads keys and its Ctrl-C is its own.
/// This process ignores SIGINT while it waits. Returns how the program ended.
public func runInTerminal(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ExitStatus {
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attr, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attr, &empty)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer {
        for p in argv { free(p) }
        for p in envp { free(p) }
    }
    let previous = signal(SIGINT, SIG_IGN)
    defer { signal(SIGINT, previous) }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, executable, nil, &attr, argv, envp)
    guard rc == 0 else { throw FlowError.usage("cannot start \(executable): \(FileIO.describe(rc))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        if errno != EINTR { return ExitStatus(code: -1, signal: nil) }
    }
    return ExitStatus(waitStatus: status, usage: usage)
}
