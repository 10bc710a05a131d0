import Foundation
import SpindleStore
import Synchronization

/// A flow binary started ahead of a spin, waiting on its stdin for the
/// spin's arguments: by the time the shell's next `spin` comes, the binary
/// has been loaded, its graph checked, its store opened and its task
/// process forked, so the spin starts at planning.
///
/// `FLOW _standby --store ADDRESS` (hidden): reads one message — the byte
/// count, a newline, then the command's arguments (`spin STEP …`), each
/// ending with a NUL — and runs them as it would have from the command
/// line. At the end of its stdin without a message it exits quietly.
///
/// A standby is for one spin: its binary must still be the one on disk
/// (``isCurrent``), else the spin starts afresh (and may rebuild).
public final class SpinStandby: Sendable {
    /// The hidden subcommand.
    public static let command = "_standby"

    let binary: String
    private let identity: FileIdentity?
    private let child: ChildProcess
    /// The write end of the standby's stdin; nil once it is used or discarded.
    private let input: Mutex<Int32?>
    /// The read end of the pipe the spin says how it ended on (``SpinEnd``).
    private let endReport: Int32

    /// Why a standby could not take its spin: the caller starts the spin afresh.
    public struct Gone: Error, CustomStringConvertible {
        public var description: String
    }

    private init(binary: String, identity: FileIdentity?, child: ChildProcess, input: Int32, end: Int32) {
        self.binary = binary
        self.identity = identity
        self.child = child
        self.input = Mutex(input)
        endReport = end
    }

    deinit {
        discard()
        close(endReport)
    }


    /// Starts `binary _standby --store store` with `environment` added, or nil if it cannot.
    public static func start(binary: String, store: String, environment: [String: String]) -> SpinStandby? {
        guard let identity = FileIdentity(binary),
              let (child, input, end) = try? ChildProcess.spawnWithInput(binary, [command, "--store", store],
                                                                           environment: environment.merging([SpinEnd.variable: "\(SpinEnd.descriptor)"]) { $1 })
        else { return nil }
        return SpinStandby(binary: binary, identity: identity, child: child, input: input, end: end)
    }

    /// Whether it can still run a spin of `binary`: the same file, not rebuilt since, and still waiting.
    public func isCurrent(for binary: String) -> Bool {
        guard binary == self.binary, FileIdentity(binary) == identity, input.withLock({ $0 != nil }) else { return false }
        var status: Int32 = 0
        return waitpid(child.pid, &status, WNOHANG) == 0
    }

    /// Runs `arguments` (`spin …`) in the standby, handing each line of its output
    /// to `line` (true for stderr) and sending it SIGINT when `interrupted`
    /// says so, as ``runStreaming(_:_:environment:line:interrupted:)`` does. Returns how it ended.
    /// Throws ``Gone`` (nothing ran) when the standby was used or cannot take the arguments.
    public func run(_ arguments: [String], line: @escaping @Sendable (String, Bool) -> Void,
                    interrupted: () -> Bool) throws(Gone) -> ExitStatus {
        guard let fd = input.withLock({ fd in defer { fd = nil }; return fd }) else { throw Gone(description: "this standby was used") }
        var payload: [UInt8] = []
        for a in arguments { payload += Array(a.utf8) + [0] }
        let message = Array("\(payload.count)\n".utf8) + payload
        let written = message.withUnsafeBytes { FileIO.writeAll(fd, $0) } == 0
        close(fd)
        guard written else {
            end()
            throw Gone(description: "the standby spin process is gone")
        }
        // The reading thread gets a descriptor of its own, which it closes: this standby's may be
        // closed (and its number reused) before that thread gets to read.
        let own = dup(endReport)
        guard own >= 0 else { return stream(child, line: line, interrupted: interrupted) }
        return stream(child, line: line, interrupted: interrupted, ended: {
            defer { close(own) }
            return SpinEnd.read(from: own)
        })
    }

    /// Ends a standby that will not be used: the end of its input tells it
    /// to end its task process and exit; one that has not within half a
    /// second (still starting, say) is killed. Either way it is reaped.
    public func discard() {
        guard let fd = input.withLock({ fd in defer { fd = nil }; return fd }) else { return }
        close(fd)
        var status: Int32 = 0
        for _ in 0..<100 {
            let r = waitpid(child.pid, &status, WNOHANG)
            if r == child.pid || (r < 0 && errno != EINTR) {
                close(child.stdout)
                close(child.stderr)
                return
            }
            usleep(5_000)
        }
        end()
    }

    /// Kills the waiting process (it has started no spin: nothing is lost) and reaps it.
    private func end() {
        kill(child.pid, SIGKILL)
        close(child.stdout)
        close(child.stderr)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// The arguments a standby process was sent, read from `fd`; nil at its end or on a malformed message.
    public static func readArguments(from fd: Int32) -> [String]? {
        var header: [UInt8] = []
        var byte: UInt8 = 0
        while header.count < 20 {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return nil }
            if byte == 10 { break }
            header.append(byte)
        }
        guard let count = Int(String(decoding: header, as: UTF8.self)), count >= 0, count <= 1 << 24 else { return nil }
        var payload = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = payload.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            got += n
        }
        guard payload.last == 0 || payload.isEmpty else { return nil }
        return payload.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }
}

/// How a standby's spin tells the shell that it has ended, and how: its exit
/// code and what it used, on its descriptor 3 (a pipe the shell reads), just
/// before it exits, after which it closes its output. The shell takes the
/// spin as done then, rather than when the process is gone: tearing down a
/// spin's address space took ~1.5 ms of every shell spin (the shell reaps
/// the process on a thread meanwhile). A spin that dies without saying is
/// waited for as before.
///
/// The line: `ended CODE CPU_MICROSECONDS PEAK_BYTES`, the CPU and the peak
/// memory of the spin process and the task processes it waited for.
public enum SpinEnd {
    /// The standby's descriptor the line is written to.
    public static let descriptor: Int32 = 3
    /// Set by the shell to ``descriptor`` when it gives the standby the pipe.
    static let variable = "SPINDLE_SPIN_END"

    /// The exit code the process is about to exit with, set just before `exit`; while nil, nothing
    /// is said and the shell waits for the process to be gone.
    nonisolated(unsafe) public static var code: Int32?
    nonisolated(unsafe) private static var installed = false
    /// Where the line goes: ``descriptor`` for the shell's standby, the client's connection for a listening one.
    nonisolated(unsafe) private static var reportDescriptor: Int32 = descriptor
    /// Set once the line is being said: a listening standby's client may go away after reading it.
    static let said = Atomic<Bool>(false)

    /// In the standby: says how it ended, at `exit`, on ``descriptor``, then closes stdout and
    /// stderr, so the shell's reading of them ends. Makes ``descriptor`` close-on-exec, so no
    /// process it spawns holds the pipe; a process it forks must close it (``closeInChild()``).
    public static func install() {
        // Only when the shell says it gave it the pipe: descriptor 3 may be anything else
        // (a make jobserver's pipe, a shell of an older build).
        guard let marker = getenv(variable), String(cString: marker) == "\(descriptor)" else { return }
        unsetenv(variable)
        var info = stat()
        guard !installed, fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO,
              fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else { return }
        installed = true
        atexit { SpinEnd.say() }
    }

    /// In a listening standby that took a spin (``ListeningStandby``): says how it ended on
    /// `connection`, the client's, which waits for the line and exits with its code.
    static func install(reportingOn connection: Int32) {
        guard !installed else { return }
        reportDescriptor = connection
        installed = true
        atexit { SpinEnd.say() }
    }

    /// In a process forked from the standby (its task): lets go of the pipe.
    public static func closeInChild() {
        if installed { close(reportDescriptor) }
    }

    private static func say() {
        guard let code else { return }
        fflush(nil)
        var me = rusage(), children = rusage()
        getrusage(RUSAGE_SELF.rawValue, &me)
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        func micros(_ t: timeval) -> Int { Int(t.tv_sec) * 1_000_000 + Int(t.tv_usec) }
        let cpu = micros(me.ru_utime) + micros(me.ru_stime) + micros(children.ru_utime) + micros(children.ru_stime)
        let peak = max(Int(me.ru_maxrss), Int(children.ru_maxrss)) * 1024  // Linux counts kilobytes
        Trace.mark("spin says it ended: \(code)")
        said.store(true, ordering: .sequentiallyConsistent)
        _ = FileIO.writeAll(reportDescriptor, "ended \(code) \(cpu) \(peak)\n")
        close(reportDescriptor)
        TaskEnd.detachOutput()
        // Its input too (a listening standby's was its client's; the shell's pipe has said all).
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null > 0 {  // (0 when the input was closed: it is /dev/null already)
            dup2(null, 0)
            close(null)
        }
    }

    /// The status a spin said it ended with, read from `fd` (the line, then the pipe's end);
    /// nil when it said nothing (it died first) or something else.
    static func read(from fd: Int32) -> ExitStatus? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 128)
        while bytes.count < 256 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += buffer[0..<n]
            if bytes.last == 10 { break }
        }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    /// `ended CODE CPU PEAK` as a status; nil for anything else.
    static func parse(_ text: String) -> ExitStatus? {
        let fields = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard fields.count == 4, fields[0] == "ended", let code = Int32(fields[1]), (0...255).contains(code),
              let cpu = Int(fields[2]), cpu >= 0, let peak = Int(fields[3]), peak >= 0 else { return nil }
        var status = ExitStatus(code: code, signal: nil)
        status.usage = ResourceUsage(cpuSeconds: Double(cpu) / 1e6, peakMemoryBytes: peak)
        return status
    }
}

/// A file as the kernel names it (device, inode) and when it last changed:
/// a rebuilt binary is a new file or a newer one.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var modified: Int
    var modifiedNanoseconds: Int

    init?(_ path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        modified = Int(s.st_mtim.tv_sec)
        modifiedNanoseconds = Int(s.st_mtim.tv_nsec)
    }
}
