import CForkServer
import Foundation
import SpindleStore
import Synchronization

/// How a child process ended.
public struct ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// The exit code, when it exited.
    public var code: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// What it used, when the waiter asked the kernel (``runStreaming``).
    public var usage: ResourceUsage? = nil

    /// How a process ended, from the status `waitpid`/`wait4` report, with what it used when known.
    init(waitStatus status: Int32, usage: rusage? = nil) {
        let low = status & 0x7f
        self.init(code: low == 0 ? (status >> 8) & 0xff : nil, signal: low == 0 ? nil : low)
        self.usage = usage.map(ResourceUsage.init)
    }

    public init(code: Int32?, signal: Int32?) {
        self.code = code
        self.signal = signal
    }

    public var succeeded: Bool { code == 0 }

    public var description: String {
        if let code { return "exited with status \(code)" }
        if let signal { return "was killed by signal \(signal) (\(ExitStatus.signalName(signal)))" }
        return "ended"
    }

    static func signalName(_ s: Int32) -> String {
        switch s {
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGSEGV: "SIGSEGV, a crash"
        case SIGABRT: "SIGABRT"
        case SIGILL: "SIGILL, a Swift runtime trap such as fatalError"
        case SIGTRAP: "SIGTRAP, a Swift runtime trap such as fatalError"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        default: "signal \(s)"
        }
    }
}

/// A child process started with an argument vector (never through a shell),
/// in its own process group, with its stdout and stderr on pipes.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let stdout: Int32
    let stderr: Int32
    /// The read end of the pipe a forked task says how it ended on (``TaskEnd``); -1 when none.
    let end: Int32

    init(pid: pid_t, stdout: Int32, stderr: Int32, end: Int32 = -1) {
        self.pid = pid
        self.stdout = stdout
        self.stderr = stderr
        self.end = end
    }

    /// Serialises making pipes and spawning, so that a task started by another
    /// thread at the same moment never inherits this one's pipe ends (its reader
    /// would then wait for both tasks to exit).
    static let spawnLock = Mutex(())

    /// Whether the C string `variable` ("NAME=value") is the variable `name`.
    private static func names(_ variable: UnsafePointer<CChar>, _ name: String) -> Bool {
        name.withCString { n in strncmp(variable, n, strlen(n)) == 0 && variable[strlen(n)] == 61 /* = */ }
    }

    /// `count` pipes, each `[read end, write end]`, close-on-exec from the start (a process another
    /// thread starts meanwhile must not inherit them); nil, with none left open, when they cannot all be made.
    static func pipes(_ count: Int) -> [[Int32]]? {
        var made: [[Int32]] = []
        for _ in 0..<count {
            var pipe: [Int32] = [-1, -1]
            guard spindle_pipe_cloexec(&pipe) == 0 else {
                let error = errno
                for fd in made.joined() { close(fd) }
                errno = error
                return nil
            }
            made.append(pipe)
        }
        return made
    }

    /// Starts `executable` with `arguments`; `environment` adds to this process's own.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try spawnLock.withLock { _ in
            // Close-on-exec for the ends this process keeps; dup2 gives the child its own copies.
            guard let pipes = Self.pipes(2) else { throw FlowError.usage("cannot create pipes: \(FileIO.lastError)") }
            let (outPipe, errPipe) = (pipes[0], pipes[1])
            defer {
                close(outPipe[1])
                close(errPipe[1])
            }
            do {
                let pid = try spawnLocked(executable, arguments, environment: environment,
                                          descriptors: [(outPipe[1], 1), (errPipe[1], 2)])
                return ChildProcess(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
            } catch {
                close(outPipe[0])
                close(errPipe[0])
                throw error
            }
        }
    }

    /// Starts `executable` like ``spawn(_:_:environment:)``, but with its stdin
    /// a pipe too: returns the child and the pipe's write end (a standby spin reads its arguments there).
    /// Also returns the read end of a pipe that is the child's descriptor 3 (the standby's end
    /// report, ``SpinEnd``).
    static func spawnWithInput(_ executable: String, _ arguments: [String],
                               environment: [String: String] = [:]) throws -> (ChildProcess, input: Int32, end: Int32) {
        try spawnLock.withLock { _ in
            // Close-on-exec from the start: a process another thread starts meanwhile without this
            // lock must not inherit the stdin's write end (the standby would then never see its end).
            guard let pipes = Self.pipes(4) else { throw FlowError.usage("cannot create pipes: \(FileIO.lastError)") }
            let (inPipe, outPipe, errPipe, endPipe) = (pipes[0], pipes[1], pipes[2], pipes[3])
            defer {
                close(inPipe[0])
                close(outPipe[1])
                close(errPipe[1])
                close(endPipe[1])
            }
            do {
                let pid = try spawnLocked(executable, arguments, environment: environment,
                                          descriptors: [(inPipe[0], 0), (outPipe[1], 1), (errPipe[1], 2), (endPipe[1], SpinEnd.descriptor)],
                                          stdinFromNull: false)
                return (ChildProcess(pid: pid, stdout: outPipe[0], stderr: errPipe[0]), inPipe[1], endPipe[0])
            } catch {
                close(inPipe[1])
                close(outPipe[0])
                close(errPipe[0])
                close(endPipe[0])
                throw error
            }
        }
    }

    /// Starts a helper process (the fork server) whose stdout and stderr are
    /// /dev/null and whose descriptor `target` is `socket`; returns its pid.
    static func spawnServer(_ executable: String, _ arguments: [String], socket: Int32, as target: Int32,
                            environment: [String: String]) throws -> pid_t {
        try spawnLock.withLock { _ in
            try spawnLocked(executable, arguments, environment: environment, descriptors: [(socket, target)], quiet: true)
        }
    }

    /// posix_spawn in a group of its own, stdin from /dev/null, the signals a
    /// new program expects, each `(descriptor, target)` duplicated onto its target.
    private static func spawnLocked(_ executable: String, _ arguments: [String], environment: [String: String],
                                    descriptors: [(Int32, Int32)], quiet: Bool = false, stdinFromNull: Bool = true) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdinFromNull { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        for (fd, target) in descriptors { posix_spawn_file_actions_adddup2(&actions, fd, target) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Its own process group: Ctrl-C at the terminal reaches the runtime only,
        // which then ends each child (and whatever it started) on purpose.
        posix_spawnattr_setpgroup(&attr, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // This process's environment as it is (read from `environ`, not through a
        // dictionary of it), less the names `environment` replaces, plus those.
        var envp: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let variable = entry.pointee {
            if environment.isEmpty || !environment.keys.contains(where: { Self.names(variable, $0) }) {
                envp.append(strdup(variable))
            }
            entry += 1
        }
        for (k, v) in environment { envp.append(strdup("\(k)=\(v)")) }
        envp.append(nil)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw FlowError.usage("cannot start \(executable): \(FileIO.describe(rc))") }
        return pid
    }

    /// Sends `signal` to the child's whole process group.
    func kill(_ signal: Int32) {
        _ = Glibc.kill(-pid, signal)
    }

    /// Waits (blocking this thread) until the child ends.
    func waitBlocking() -> ExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return ExitStatus(code: -1, signal: nil) }
        }
        return ExitStatus(waitStatus: status)
    }
}

/// Reads a pipe to its end on a thread of its own, handing each complete
/// line to `line` (a program's output streamed by ``runStreaming(_:_:environment:line:interrupted:)``).
final class PipeReader: Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(fd: Int32, line: @escaping @Sendable (String) -> Void) {
        let finished = self.finished
        detachThread {
            var lines = LineSplitter()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while case .success(let n) = buffer.withUnsafeMutableBytes({ FileIO.readSome(fd, $0) }), n > 0 {
                lines.append(buffer[0..<n], line: line)
            }
            lines.finish(line: line)
            close(fd)
            finished.signal()
        }
    }

    /// Blocks until the pipe has closed and every line was handed on.
    func waitUntilClosed() {
        finished.wait()
        finished.signal()
    }
}

/// Lines gathered from reader threads (a child's output), in order.
public final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// Runs a program (an argument vector, never a shell line), handing each
/// line of its output to `line` as it comes (`true` for stderr), and sending
/// it SIGINT when `interrupted` says so. Returns how it ended.
public func runStreaming(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                         line: @escaping @Sendable (String, Bool) -> Void,
                         interrupted: () -> Bool) throws -> ExitStatus {
    let child = try ChildProcess.spawn(executable, arguments, environment: environment)
    return stream(child, line: line, interrupted: interrupted)
}

/// Streams a started child's output lines to `line` until it ends (see ``runStreaming(_:_:environment:line:interrupted:)``).
///
/// With `ended`, the child may say how it ended before it has gone: once
/// both its pipes have closed, `ended` reads that (``SpinEnd``), and a
/// status it returns is this call's result; the child is reaped on a thread
/// meanwhile (its address space takes a millisecond or two to tear down).
func stream(_ child: ChildProcess, line: @escaping @Sendable (String, Bool) -> Void, interrupted: () -> Bool,
            ended: (@Sendable () -> ExitStatus?)? = nil) -> ExitStatus {
    let out = PipeReader(fd: child.stdout) { line($0, false) }
    let err = PipeReader(fd: child.stderr) { line($0, true) }
    // A thread waits for the child (blocking, so its end is seen at once); this one wakes every 20 ms
    // meanwhile to pass on a Ctrl-C.
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<(Int32, rusage)?>(nil)
    detachThread {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(child.pid, &status, 0, &usage) < 0 && errno == EINTR {}
        result.withLock { $0 = (status, usage) }
        done.signal()
    }
    let early = Mutex<ExitStatus?>(nil)
    if let ended {
        detachThread {
            out.waitUntilClosed()
            err.waitUntilClosed()
            if let status = ended() {
                early.withLock { $0 = status }
                done.signal()
            }
        }
    }
    var sentInterrupt = false
    while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
        if !sentInterrupt && interrupted() {
            child.kill(SIGINT)
            sentInterrupt = true
        }
    }
    out.waitUntilClosed()
    err.waitUntilClosed()
    if let (status, usage) = result.withLock({ $0 }) { return ExitStatus(waitStatus: status, usage: usage) }
    Trace.mark("the process said how it ended (reaped on a thread)")
    return early.withLock { $0 }!
}

/// The CPU time and peak memory of a child process and the children it waited
/// for (the kernel's account at `wait4`): a spin's flow binary and its task process.
public struct ResourceUsage: Sendable, Equatable {
    /// User and system CPU time, in seconds.
    public var cpuSeconds: Double
    /// The largest resident set of the process or any child it waited for, in bytes.
    public var peakMemoryBytes: Int

    public init(cpuSeconds: Double, peakMemoryBytes: Int) {
        self.cpuSeconds = cpuSeconds
        self.peakMemoryBytes = peakMemoryBytes
    }

    init(_ u: rusage) {
        cpuSeconds = Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
        peakMemoryBytes = Int(u.ru_maxrss) * 1024  // Linux counts kilobytes
    }
}
