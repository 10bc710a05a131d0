import CForkServer
import Foundation
import SpindleStore
import Synchronization

/// The runtime's side of a ``ForkServer``: starts the server, and starts
/// each task process through it.
///
/// The server hands over the task processes it forks ahead ("standing"):
/// each comes as its pid and this process's end of a socket the process
/// waits on. A task goes to the oldest of them, sent straight to it, and the
/// server is asked for a replacement; only when none is standing does the
/// request go to the server, which forks one there and then. So a task's
/// start never waits for the server, which may be busy forking the next one
/// (that wait was 0.3–1 ms of every task's start, holding up the next).
///
/// Any trouble — the server refused, died, or answered nonsense — turns the
/// client off for the rest of the run, and ``spawn(_:environment:handoff:)``
/// throws so that the caller spawns the task as before: the fork server only
/// ever makes a task start sooner, never stops one starting (a server that
/// does not answer within ``answerTimeout`` counts as trouble). The
/// processes still standing are killed when the client ends: one may still
/// be readying the store, and none may outlive the run.
final class ForkServerClient: Sendable {
    /// The server's process, the runtime's end of its socket, and the processes it handed over;
    /// nil once the client is off.
    private let connection: Mutex<Connection?>
    /// Whether the server starts one task only, by becoming it (a spin's prepared process).
    private let singleUse: Bool

    private struct Connection {
        var pid: pid_t
        var socket: Int32
        var ready = false
        /// Task processes the server forked ahead, oldest first: their pids and sockets.
        var standing: [(pid: pid_t, socket: Int32)] = []
        /// How many more the server is to hand over: its first ones, and one for each `more`.
        var owed = 0
        /// False once a wait for one timed out (the server cannot fork ahead): tasks then ask it for a fork each.
        var waitsForStanding = true

        /// Ends the server (it exits when its socket closes) and kills the processes standing,
        /// those it handed over meanwhile included. With `waiting`, reaps the server first (killed
        /// if it has not exited within a couple of seconds), so that nothing it hands over on its
        /// way out is missed, then the processes standing.
        mutating func end(waiting: Bool) {
            let server = socket
            if waiting {
                // The server sees its end, and exits; what it handed over meanwhile stays readable here.
                shutdown(server, Int32(SHUT_WR))
                ForkServerClient.reap(pid, within: 2)
            }
            while ForkServerClient.hasMessage(server), (try? ForkServerClient.receive(server, into: &self)) != nil {}
            close(server)
            for s in standing {
                close(s.socket)
                kill(s.pid, SIGKILL)
            }
            if waiting {
                for s in standing { ForkServerClient.reap(s.pid, within: 2) }
            }
            standing = []
        }
    }

    init(pid: pid_t, socket: Int32, singleUse: Bool = false) {
        connection = Mutex(Connection(pid: pid, socket: socket, owed: singleUse ? 0 : ForkServer.standingCount))
        self.singleUse = singleUse
    }

    deinit {
        finish()
    }

    /// Ends the server and the processes standing, and reaps them: at a run's end, so that none is
    /// left to an ancestor (in a test run, the test process) to reap. The client is off after.
    func finish() {
        connection.withLock { c in
            c?.end(waiting: true)
            c = nil
        }
    }

    /// Ends the server and the processes standing without waiting for them: the caller is about
    /// to exit. The client is off after.
    func release() {
        connection.withLock { c in
            c?.end(waiting: false)
            c = nil
        }
    }

    /// How long the runtime waits for the server's answer (its warm-up, or a fork) before it
    /// turns the server off and spawns.
    static let answerTimeout: Int32 = 10_000

    /// Waits for child `pid` to exit for at most `seconds`, then kills it and waits.
    private static func reap(_ pid: pid_t, within seconds: Int32) {
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, WNOHANG) } while r < 0 && errno == EINTR
        guard r == 0 else { return }  // reaped, or not this process's child (any more)
        let exited = spindle_pidfd_open(pid)
        if exited >= 0 {
            let ready = readable(exited, within: seconds * 1000)  // a pidfd is readable once its process has ended
            close(exited)
            if ready == 0 { kill(pid, SIGKILL) }
        } else {
            kill(pid, SIGKILL)
        }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
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
            guard var open = c else { throw Unavailable(description: "the fork server is off") }
            defer { if c != nil { c = open } }
            // The ends this process reads, closed on any failure (so a task the server forked before it
            // failed sees its output's reader gone rather than writing into a pipe nobody reads).
            var readEnds: [Int32] = []
            defer { for fd in readEnds { close(fd) } }
            do throws(Unavailable) {
                if !open.ready {
                    let hello = try Self.receive(open.socket, into: &open)
                    guard hello == "ready" else { throw Unavailable(description: hello) }
                    open.ready = true
                }
                // stdout, stderr, and the pipe the task says how it ended on (``TaskEnd``).
                guard let pipes = ChildProcess.pipes(3) else {
                    throw Unavailable(description: "cannot create pipes: \(FileIO.lastError)")
                }
                readEnds = pipes.map { $0[0] }
                let fds = pipes.map { $0[1] }
                defer { for fd in fds { close(fd) } }
                // Processes the server has handed over since the last task.
                while Self.hasMessage(open.socket) {
                    let said = try Self.receive(open.socket, into: &open)
                    guard said.isEmpty else { throw Unavailable(description: said) }
                }
                // None standing, but one is on its way (the server is forking it): wait for that one rather
                // than ask for a fork of this task's own, which the server would make only after it.
                if open.standing.isEmpty, open.owed > 0, open.waitsForStanding {
                    if Self.hasMessage(open.socket, within: Self.standingWait) {
                        let said = try Self.receive(open.socket, into: &open)
                        guard said.isEmpty else { throw Unavailable(description: said) }
                    } else {
                        open.waitsForStanding = false  // not coming (the server cannot fork ahead): ask for each from now on
                    }
                }
                // The oldest standing process takes the request, straight from here; the server forks its
                // replacement. One that has gone is reaped and replaced too, and the next one asked.
                while !open.standing.isEmpty {
                    let s = open.standing.removeFirst()
                    let sent = request.withUnsafeBytes { spindle_send_with_fds(s.socket, $0.baseAddress, $0.count, fds, 3) }
                    close(s.socket)
                    let more = Array("more".utf8).withUnsafeBytes { spindle_send_with_fds(open.socket, $0.baseAddress, $0.count, nil, 0) }
                    let serverGone = more != 4
                    if !serverGone { open.owed += 1 }
                    if sent == request.count {
                        readEnds = []  // the child's now
                        if serverGone {
                            // This task has its process; the tasks after it are spawned.
                            Trace.mark("fork server: gone (\(FileIO.lastError)); spawning the tasks after this one")
                            kill(open.pid, SIGKILL)
                            open.end(waiting: true)
                            c = nil
                        }
                        return (ChildProcess(pid: s.pid, stdout: pipes[0][0], stderr: pipes[1][0], end: pipes[2][0]), handedOver)
                    }
                    kill(s.pid, SIGKILL)
                    Self.reap(s.pid, within: 2)
                    guard !serverGone else { throw Unavailable(description: "the fork server is gone: \(FileIO.lastError)") }
                }
                // None standing: the server forks one for this request.
                let sent = request.withUnsafeBytes { spindle_send_with_fds(open.socket, $0.baseAddress, $0.count, fds, 3) }
                guard sent == request.count else {
                    throw Unavailable(description: "the fork server is gone: \(FileIO.lastError)")
                }
                // No time limit here: the server may have forked the task already, and a server given up
                // on now would leave it running while the caller spawns it again.
                var answer = ""
                repeat { answer = try Self.receive(open.socket, into: &open, timeout: -1) } while answer.isEmpty
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
                kill(open.pid, SIGKILL)
                open.end(waiting: true)
                c = nil
                throw error
            }
        }
    }

    /// Whether a message (or the server's end) is waiting on `socket`, or comes within `milliseconds`.
    private static func hasMessage(_ socket: Int32, within milliseconds: Int32 = 0) -> Bool {
        readable(socket, within: milliseconds) > 0
    }

    /// poll(2) for `descriptor` to be readable, retried when interrupted: 1 when it is, 0 when
    /// `milliseconds` passed first (-1: no limit), -1 with errno set when poll failed.
    private static func readable(_ descriptor: Int32, within milliseconds: Int32) -> Int32 {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat { ready = poll(&entry, 1, milliseconds) } while ready < 0 && errno == EINTR
        return ready
    }

    /// How long a task waits for the process the server is forking ahead, in milliseconds,
    /// before it asks the server for a fork of its own.
    static let standingWait: Int32 = 1000

    /// One message from the server, as text; a standing process it hands over (`standing PID`,
    /// with its socket) is added to `connection`'s and reads as the empty string.
    /// Waits at most `timeout` milliseconds for it (``answerTimeout``; -1: as long as it takes).
    private static func receive(_ socket: Int32, into connection: inout Connection,
                                timeout: Int32 = answerTimeout) throws(Unavailable) -> String {
        let ready = readable(socket, within: timeout)
        guard ready > 0 else {
            throw Unavailable(description: ready == 0 ? "the fork server did not answer within \(timeout / 1000) s"
                                                      : "the fork server is gone: \(FileIO.lastError)")
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fdCount: Int32 = 0
        var fd: Int32 = -1
        let n = buffer.withUnsafeMutableBytes { spindle_receive_with_fds(socket, $0.baseAddress, $0.count, &fd, 1, &fdCount) }
        guard n > 0 else { throw Unavailable(description: n == 0 ? "the fork server ended" : "the fork server is gone: \(FileIO.lastError)") }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        if text.hasPrefix("standing "), fdCount == 1, let pid = pid_t(text.dropFirst("standing ".count)), pid > 0 {
            connection.standing.append((pid, fd))
            connection.owed = max(0, connection.owed - 1)
            return ""
        }
        if fdCount == 1 { close(fd) }
        guard !text.isEmpty else { throw Unavailable(description: "the fork server said nothing") }
        return text
    }
}
