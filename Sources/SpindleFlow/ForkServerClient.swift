import CForkServer
import Foundation
import SpindleStore
import Synchronization

/// The runtime's side of a ``ForkServer``: starts the server, and starts
/// each task process through it.
///
/// Any trouble — the server refused, died, or answered nonsense — turns the
/// client off for the rest of the run, and ``spawn(_:environment:)`` throws
/// so that the caller spawns the task as before: the fork server only ever
/// makes a task start sooner, never stops one starting.
final class ForkServerClient: Sendable {
    /// The server's process, and the runtime's end of the socket; nil once the client is off.
    private let connection: Mutex<(pid: pid_t, socket: Int32, ready: Bool)?>
    /// Whether the server starts one task only, by becoming it (a spin's prepared process).
    private let singleUse: Bool

    init(pid: pid_t, socket: Int32, singleUse: Bool = false) {
        connection = Mutex((pid, socket, false))
        self.singleUse = singleUse
    }

    deinit {
        connection.withLock { c in
            guard let c else { return }
            close(c.socket)  // the server exits when its socket closes
            var status: Int32 = 0
            while waitpid(c.pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Closes the socket, so the server ends (and ends its standing processes), without waiting
    /// for it: the caller is about to exit. The client is off after.
    func release() {
        connection.withLock { c in
            if let c { close(c.socket) }
            c = nil
        }
    }

    /// Starts `binary _forkserver` for the tasks of `flow` on the store at
    /// `store`, or returns nil (after saying nothing: tasks are spawned) when
    /// it cannot. Makes this process the subreaper of its descendants.
    static func start(binary: String, store: String, flow: String, environment: [String: String]) -> ForkServerClient? {
        guard ForkServer.enabled, becomeSubreaper() else { return nil }
        guard let (mine, its) = ForkServer.socketPair() else { return nil }
        let pid: pid_t
        // The server binds every symbol once, at its start, rather than each forked task binding its own
        // (ld.so's lazy binding repeated in every child); the tasks do not inherit the setting.
        var arguments = [ForkServer.command, "--store", store, "--flow", flow, "--room", ForkServer.titleRoom(for: store)]
        var environment = environment
        if getenv("LD_BIND_NOW") == nil {
            environment["LD_BIND_NOW"] = "1"
            arguments += ["--unset", "LD_BIND_NOW"]
        }
        do {
            pid = try ChildProcess.spawnServer(binary, arguments, socket: its, as: ForkServer.socketDescriptor,
                                               environment: environment)
        } catch {
            close(mine)
            close(its)
            return nil
        }
        close(its)
        return ForkServerClient(pid: pid, socket: mine)
    }

    /// Makes this process the reaper of its orphaned descendants (the forked
    /// tasks, and whatever they leave behind: ``ChildWatch`` reaps those).
    static func becomeSubreaper() -> Bool {
        spindle_become_subreaper() == 0
    }

    /// Why a task could not be started through the server; the caller spawns it instead.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a task process, `binary _task ARGUMENTS` as if spawned, with
    /// `environment` added to the server's. Its stdout and stderr are pipes
    /// this process reads; it is this process's child, in its own group.
    /// `handoff`, the task's inputs (``TaskHandoff``), goes with the request
    /// when it fits; the result says whether it went.
    func spawn(_ arguments: [String], environment: [String: String],
               handoff: [UInt8] = []) throws(Unavailable) -> (child: ChildProcess, handedOver: Bool) {
        let sorted = environment.sorted { $0.key < $1.key }
        var request = ForkRequest(arguments: arguments, environment: sorted, handoff: handoff).encoded
        var handedOver = !handoff.isEmpty
        if request.count > ForkServer.maxMessage && handedOver {
            // Too many inputs to hand over (a wide join's): the task reads them from the store.
            request = ForkRequest(arguments: arguments, environment: sorted).encoded
            handedOver = false
        }
        guard request.count <= ForkServer.maxMessage else { throw Unavailable(description: "the request is too large") }
        return try connection.withLock { c throws(Unavailable) -> (child: ChildProcess, handedOver: Bool) in
            guard let open = c else { throw Unavailable(description: "the fork server is off") }
            // The ends this process reads, closed on any failure (so a task the server forked before it
            // failed sees its output's reader gone rather than writing into a pipe nobody reads).
            var readEnds: [Int32] = []
            defer { for fd in readEnds { close(fd) } }
            do throws(Unavailable) {
                if !open.ready {
                    let hello = try Self.receive(open.socket)
                    guard hello == "ready" else { throw Unavailable(description: hello) }
                    c?.ready = true
                }
                // stdout, stderr, and the pipe the task says how it ended on (``TaskEnd``).
                guard let pipes = ChildProcess.pipes(3) else {
                    throw Unavailable(description: "cannot create pipes: \(FileIO.lastError)")
                }
                readEnds = pipes.map { $0[0] }
                let fds = pipes.map { $0[1] }
                let sent = request.withUnsafeBytes { spindle_send_with_fds(open.socket, $0.baseAddress, $0.count, fds, 3) }
                for fd in fds { close(fd) }
                guard sent == request.count else {
                    throw Unavailable(description: "the fork server is gone: \(FileIO.lastError)")
                }
                let answer = try Self.receive(open.socket)
                guard answer.hasPrefix("ok "), let pid = pid_t(answer.dropFirst(3)), pid > 0 else {
                    throw Unavailable(description: answer)
                }
                readEnds = []  // the child's now
                if singleUse {
                    // The server has become the task: it is the caller's to wait for now.
                    close(open.socket)
                    c = nil
                }
                return (ChildProcess(pid: pid, stdout: pipes[0][0], stderr: pipes[1][0], end: pipes[2][0]), handedOver)
            } catch {
                // One failure turns the server off for the run: every later task is spawned.
                close(open.socket)
                var status: Int32 = 0
                kill(open.pid, SIGKILL)
                while waitpid(open.pid, &status, 0) < 0 && errno == EINTR {}
                c = nil
                throw error
            }
        }
    }

    /// One message from the server, as text.
    private static func receive(_ socket: Int32) throws(Unavailable) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fdCount: Int32 = 0
        var none: Int32 = -1
        let n = buffer.withUnsafeMutableBytes { spindle_receive_with_fds(socket, $0.baseAddress, $0.count, &none, 0, &fdCount) }
        guard n > 0 else { throw Unavailable(description: n == 0 ? "the fork server ended" : "the fork server is gone: \(FileIO.lastError)") }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}
