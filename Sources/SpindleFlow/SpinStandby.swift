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

    /// Why a standby could not take its spin: the caller starts the spin afresh.
    public struct Gone: Error, CustomStringConvertible {
        public var description: String
    }

    private init(binary: String, identity: FileIdentity?, child: ChildProcess, input: Int32) {
        self.binary = binary
        self.identity = identity
        self.child = child
        self.input = Mutex(input)
    }

    deinit { discard() }


    /// Starts `binary _standby --store store` with `environment` added, or nil if it cannot.
    public static func start(binary: String, store: String, environment: [String: String]) -> SpinStandby? {
        guard let identity = FileIdentity(binary),
              let (child, input) = try? ChildProcess.spawnWithInput(binary, [command, "--store", store], environment: environment)
        else { return nil }
        return SpinStandby(binary: binary, identity: identity, child: child, input: input)
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
        return stream(child, line: line, interrupted: interrupted)
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
