import CForkServer
import Foundation
import SpindleStore
import SpindleValue
import Synchronization

/// Starts task processes by forking a warm copy of the flow binary instead
/// of executing a fresh one.
///
/// A task process used to be `posix_spawn(BINARY _task …)`: exec, the dynamic
/// loader, the Swift runtime's first type and conformance lookups, GRDB's
/// first connection — most of a trivial task's 5 ms. A run now has one
/// server: forked from the runtime at its start where a fork keeps the
/// tasks' crash reports (``forkServer(store:flow:graph:warmUpTask:runTask:)``),
/// else executed as `BINARY _forkserver`, which checks the graph first. The
/// server warms up on a helper thread (reads a sample task and rehearses a
/// task's end, leaving no trace), and then, holding no thread but its main
/// one, waits. It keeps two task processes standing: forked, store ready,
/// each waiting on a socket of its own, which the server hands to the
/// runtime (``ForkServerClient``). For each task the runtime sends the task's
/// arguments, its inputs (``TaskHandoff``) and the write ends of three pipes
/// (stdout, stderr, and the one the task says how it ended on, and hands its
/// rows back on, ``TaskEnd``) straight to a standing process, which becomes
/// the task, and asks the server for a replacement; with none standing, it
/// sends them to the server, which forks the task there and then. Every task
/// process is forked by a short-lived middle process
/// (``CForkServer/spindle_fork_orphan``), and the runtime is the *subreaper*
/// of its descendants (``CForkServer/spindle_become_subreaper``), so the task
/// process becomes the runtime's own child: the runtime waits for it, reads
/// its pipes, times it out and kills its process group exactly as it did a
/// spawned one. A crash still fails one task; a killed runtime still leaves
/// its tasks to finish or be found dead by the store.
///
/// The server refuses to serve (and the runtime spawns as before) when its
/// process has a second thread after warming up, since a fork is only safe
/// from a single thread; `SPINDLE_FORK_SERVER=0` turns it off.
public enum ForkServer {
    /// The hidden subcommand that runs the server: `BINARY _forkserver --store ADDRESS --flow NAME [--unset VARIABLE]`.
    public static let command = "_forkserver"

    /// Whether the runtime should use a fork server (`SPINDLE_FORK_SERVER=0` turns it off).
    public static var enabled: Bool {
        guard let value = getenv("SPINDLE_FORK_SERVER") else { return true }
        return String(cString: value) != "0"
    }

    /// The descriptor the server reads its requests from.
    static let socketDescriptor: Int32 = 3

    /// The largest request: a task's arguments, extra environment and handed-over inputs. A task
    /// whose inputs do not fit (a join of thousands) is sent without them and reads them from the store.
    static let maxMessage = 64 * 1024

    /// Runs the server loop in the `_forkserver` process; never returns.
    ///
    /// - Parameters:
    ///   - arguments: the arguments after the subcommand: `--store ADDRESS --flow NAME`, `--room`
    ///     (spaces that a task's title overwrites) and `--unset VARIABLE` (set for the server only).
    ///   - graph: the flow's checked graph, which the warm-up reads a task's context with.
    ///   - runTask: what a forked task process does with its `_task` arguments.
    ///   - warmUpTask: what else a task process does that the server should do once first (the
    ///     flow binary's own set-up for a task: running async work from `main`).
    public static func serve(_ arguments: [String], graph: FlowGraph, warmUpTask: () -> Void = {},
                             runTask: ([String]) -> Never) -> Never {
        let socket = socketDescriptor
        // The warm-up runs on a thread of its own, gone before the first fork: it takes Mutexes, and
        // this thread, which forks every task, must never have taken one (see ``prepareTask(warmUp:runTask:)``).
        var warmedUp = false
        let helped = onHelperThread {
            warmUpTask()
            _ = ProcessInfo.processInfo.environment
            warmedUp = warmUp(arguments, graph: graph)
        }
        guard helped else {
            _ = reply(socket, "unsafe: the fork server could not start a thread to warm up on; tasks are spawned instead")
            _exit(0)
        }
        guard warmedUp else {
            _ = reply(socket, "unsafe: the fork server could not close the store it warmed up on; tasks are spawned instead")
            _exit(0)
        }
        // The helper thread is joined, but it may still be leaving /proc/self/task: look again for a while.
        var threads = threadCount()
        for _ in 0..<50 where threads != 1 {
            usleep(200)
            threads = threadCount()
        }
        guard threads == 1 else {
            // Refusing is safe: the runtime spawns each task as before.
            _ = reply(socket, "unsafe: the fork server has \(threads) threads after warming up; tasks are spawned instead")
            _exit(0)
        }
        guard reply(socket, "ready") else { _exit(0) }
        let store = Self.option("--store", in: arguments), flow = Self.option("--flow", in: arguments)
        // Task processes forked ahead are handed to the runtime (``ForkServerClient``), which sends
        // each its request itself: a task's start never waits on this process, which may be in
        // the middle of forking the next one. The runtime asks for a replacement (`more`) as it
        // takes one, and kills and reaps those it never takes when the run ends.
        var owed = standingCount
        var buffer = messageBuffer()
        while true {
            while let store, let flow, owed > 0, !hasMessage(socket),
                  let s = standUp(store: store, flow: flow, runTask: runTask) {
                let sent = Array("standing \(s.pid)".utf8).withUnsafeBytes { raw in
                    [s.socket].withUnsafeBufferPointer { spindle_send_with_fds(socket, raw.baseAddress, raw.count, $0.baseAddress, 1) }
                }
                let failure = errno
                close(s.socket)  // the runtime's now: the process waits on the runtime, not on this server
                if sent < 0 {
                    kill(s.pid, SIGKILL)
                    _exit(failure == EPIPE ? 0 : 1)  // the runtime has gone (or cannot be told): so does its server
                }
                owed -= 1
            }
            let (n, received) = receive(socket, into: &buffer)
            if n == 0 { _exit(0) }  // the runtime has gone: so does its server
            if n < 0 {
                if errno == EMSGSIZE { _ = reply(socket, "error: a request came without its pipes"); continue }
                _exit(1)
            }
            if received.isEmpty, buffer[0..<n].elementsEqual("more".utf8) {
                owed += 1
                continue
            }
            guard received.count == 3, let request = ForkRequest(decoding: buffer[0..<n]) else {
                for fd in received { close(fd) }
                _ = reply(socket, "error: a malformed request")
                continue
            }
            // None standing at the runtime: fork one for this request now.
            let text = start(request, pipes: received, socket: socket, runTask: runTask)
            for fd in received { close(fd) }
            _ = reply(socket, text)
        }
    }

    /// How many task processes the server keeps standing between requests: one per core the
    /// runtime runs tasks on by default (two here), so a pair of tasks ending together finds two.
    static let standingCount = 2

    /// A task process forked ahead of its request: its pid (the runtime's child, in a group of its
    /// own) and the end of the socket it waits on (the server's, until it hands it to the runtime).
    struct Standing {
        var pid: pid_t
        var socket: Int32
    }

    /// Forks a task process that opens `store` and waits for its request (``standBy(store:flow:runTask:)``);
    /// nil if it cannot.
    private static func standUp(store: String, flow: String, runTask: ([String]) -> Never) -> Standing? {
        guard let (mine, its) = socketPair() else { return nil }
        let task = forkOrphan {
            setpgid(0, 0)
            // Its own end of the socket as descriptor 3 (over the server's), and nothing else of the server's.
            dup2(its, socketDescriptor)
            spindle_close_from(socketDescriptor + 1)
            standBy(store: store, flow: flow, runTask: runTask)
        }
        close(its)
        guard task > 0 else {
            close(mine)
            return nil
        }
        return Standing(pid: task, socket: mine)
    }

    /// A standing task process: readies the store (``TaskProcess/prepareStore(_:flow:)``), waits
    /// for its request on descriptor 3 (from the runtime, which holds the other end) and becomes
    /// that task; ends when the runtime closes its end without sending one.
    private static func standBy(store: String, flow: String, runTask: ([String]) -> Never) -> Never {
        // The server readied an embedded store for all of them (``warmUp(_:graph:)``); any other, each itself.
        if !TaskProcess.hasPrepared(store), let address = try? StoreAddress(parsing: store) {
            TaskProcess.prepareStore(address, flow: flow, lazily: TaskHandoff.enabled)
        }
        var buffer = messageBuffer()
        let (n, fds) = receive(socketDescriptor, into: &buffer)
        // The server's end: it ended without a request. Anything else is a request this process
        // was given and cannot run, which the runtime must see fail, not succeed.
        if n == 0 { _exit(0) }
        guard n > 0, fds.count == 3, let request = ForkRequest(decoding: buffer[0..<n]) else { _exit(TaskProcess.setupExitCode) }
        close(socketDescriptor)
        becomeTask(request, pipes: fds, closingOthers: false, standing: true, runTask: runTask)
    }

    /// Room for one request, not zeroed: zeroing 64 KB faulted in sixteen fresh pages in every
    /// standing process (2 % of a foreach's CPU); a receive writes only what it receives.
    private static func messageBuffer() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxMessage) { _, count in count = maxMessage }
    }

    /// One request from `socket` into `buffer`: its length (0 at the peer's end, -1 with errno
    /// set on failure) and the descriptors that came with it (its pipes; at most three).
    private static func receive(_ socket: Int32, into buffer: inout [UInt8]) -> (count: Int, pipes: [Int32]) {
        var fds: [Int32] = [-1, -1, -1]
        var fdCount: Int32 = 0
        let n = buffer.withUnsafeMutableBytes { raw in
            spindle_receive_with_fds(socket, raw.baseAddress, raw.count, &fds, 3, &fdCount)
        }
        return (n, Array(fds.prefix(Int(fdCount))))
    }

    /// A connected pair of `SOCK_SEQPACKET` Unix sockets, close-on-exec: how the runtime talks
    /// to its server, and the server or a spin to a process forked ahead. Nil if none can be made.
    static func socketPair() -> (Int32, Int32)? {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else { return nil }
        return (pair[0], pair[1])
    }

    /// Whether a message (or the runtime's end) is waiting on `socket`, without waiting for one.
    private static func hasMessage(_ socket: Int32) -> Bool {
        var entry = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    /// The value after `name` in `arguments`.
    private static func option(_ name: String, in arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    /// Forks, now, a process that waits to become one task process: a spin's
    /// one task, which then starts without an exec, the loader and the
    /// runtime's set-up (about 5 ms of a spin's round trip), and meanwhile
    /// runs `warmUp` (opening the store) on the other core while the spin plans.
    ///
    /// The process is this one's own child, in a group of its own; it exits
    /// if this process goes away (or execs a rebuilt binary) before asking.
    /// Returns nil when this process already has a second thread, as a fork
    /// is safe only from a single-threaded process.
    ///
    /// The calling thread must not have taken a `Synchronization.Mutex` yet:
    /// Swift's Mutex keeps each thread's id in a thread-local cache, which
    /// the child's one thread inherits, and a child whose cache names its
    /// parent's thread fails at its first contended lock ("Unknown error
    /// occurred while attempting to acquire a Mutex"). `Spindle.main` calls
    /// it before its first Mutex; the fork server keeps its forking thread
    /// clean the same way (its warm-up runs on a thread of its own). Forking
    /// from a fresh thread instead was tried: 0.5–2.8 ms, against 0.3–0.7.
    public static func prepareTask(warmUp: () -> Void, runTask: ([String]) -> Never) -> PreparedTask? {
        guard enabled, threadCount() == 1 else { return nil }
        guard let (mine, its) = socketPair() else { return nil }
        let child = fork()
        if child == 0 {
            setpgid(0, 0)
            close(mine)
            serveOnce(its, warmUp: warmUp, runTask: runTask)
        }
        close(its)
        guard child > 0 else {
            close(mine)
            return nil
        }
        setpgid(child, child)
        return PreparedTask(ForkServerClient(pid: child, socket: mine, singleUse: true))
    }

    /// Forks, now, this run's fork server from the runtime itself, instead of
    /// executing `BINARY _forkserver`: the server skips the exec, the loader,
    /// the runtime's start and the graph check (the first task started 9–14 ms
    /// after `main`, and starts 6–10 ms after it), and serves exactly as an executed one does
    /// (``serve(_:graph:warmUpTask:runTask:)``), with what an executed one
    /// starts with: /dev/null for input and output, its socket, nothing else
    /// of this process's, the signals a new program has, and the tasks' crash
    /// reports set (``TaskLauncher/crashReports``). Nil when it cannot (then ``ForkServerClient`` executes one).
    ///
    /// Only from a single-threaded process whose calling thread has taken no
    /// `Synchronization.Mutex` yet (as ``prepareTask(warmUp:runTask:)``), and
    /// only where ``forkedTasksKeepCrashReports`` holds: a task forked from
    /// this process has its crash-report settings. This process becomes the
    /// subreaper its tasks need.
    public static func forkServer(store: String, flow: String, graph: FlowGraph,
                                  warmUpTask: () -> Void, runTask: ([String]) -> Never) -> ForkServerStart? {
        guard enabled, forkedTasksKeepCrashReports, threadCount() == 1, ForkServerClient.becomeSubreaper() else { return nil }
        guard let (mine, its) = socketPair() else { return nil }
        fflush(nil)  // nothing this process buffered may be written again by a task
        let child = fork()
        if child == 0 {
            setpgid(0, 0)
            // The socket out of the way first (the runtime may have started with 0–2 closed, and had it there).
            let socket = fcntl(its, F_DUPFD, socketDescriptor + 1)
            let null = open("/dev/null", O_RDWR)
            if null >= 0 {
                for fd: Int32 in 0...2 where fd != null { dup2(null, fd) }
            }
            guard socket >= 0, dup2(socket, socketDescriptor) == socketDescriptor else { _exit(0) }
            spindle_close_from(socketDescriptor + 1)
            restoreSignals()
            for (name, value) in TaskLauncher.crashReports { setenv(name, value, 1) }
            let arguments = ["--store", store, "--flow", flow]
            ProcessTitle.takeEnvironment()
            ProcessTitle.set([command] + arguments)
            // What an executed server gets from LD_BIND_NOW: its tasks find every function bound.
            spindle_bind_now()
            serve(arguments, graph: graph, warmUpTask: warmUpTask, runTask: runTask)
        }
        close(its)
        guard child > 0 else {
            close(mine)
            return nil
        }
        setpgid(child, child)
        Trace.mark("forked the fork server")
        return ForkServerStart(ForkServerClient(pid: child, socket: mine))
    }

    /// Whether a process forked from this one (rather than executed) reports
    /// a crash as a task process should (``TaskLauncher/crashReports``): the
    /// Swift runtime reads `SWIFT_BACKTRACE` once, when a process starts, and
    /// a fork keeps the settings it read. True when it is set here (the
    /// user's, or the shell's, which the tasks would inherit anyway), or when
    /// the Swift runtime is linked into the binary (`--static-swift-stdlib`),
    /// where a task's crash report does not depend on it: such a binary
    /// finds no backtracer (unless one sits where the runtime looks, in
    /// `../libexec/swift/linux/` beside it, which counts as false) and
    /// prints the runtime's stack trace whatever the setting.
    public static var forkedTasksKeepCrashReports: Bool {
        if getenv("SWIFT_BACKTRACE") != nil { return true }
        if let shared = dlopen("libswiftCore.so", RTLD_LAZY | RTLD_NOLOAD) {
            dlclose(shared)
            return false
        }
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &path, Int(PATH_MAX))
        guard n > 0 else { return false }
        let executable = String(decoding: path[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let folder = executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)]
        return access(folder + "/../libexec/swift/linux/swift-backtrace-static", F_OK) != 0
    }

    /// The prepared process's side: warm up, say so, wait for one request,
    /// answer with its own pid and become that task.
    private static func serveOnce(_ socket: Int32, warmUp: () -> Void, runTask: ([String]) -> Never) -> Never {
        warmUp()
        guard reply(socket, "ready") else { _exit(0) }
        var buffer = messageBuffer()
        let (n, fds) = receive(socket, into: &buffer)
        guard n > 0, fds.count == 3, let request = ForkRequest(decoding: buffer[0..<n]) else { _exit(0) }
        guard reply(socket, "ok \(getpid())") else { _exit(0) }
        // What this process opened while it waited (the store) stays open; the socket goes.
        close(socket)
        becomeTask(request, pipes: fds, closingOthers: false, runTask: runTask)
    }

    /// Forks the middle process, which forks the task process; returns the reply for the runtime.
    private static func start(_ request: ForkRequest, pipes: [Int32], socket: Int32,
                              runTask: ([String]) -> Never) -> String {
        // From this thread: it has taken no Mutex (the warm-up ran on another), so the task's locks start clean.
        let task = forkOrphan {
            becomeTask(request, pipes: pipes, closingOthers: true, runTask: runTask)
        }
        // Its middle process is gone: the task process is the runtime's child.
        guard task > 0 else { return "error: cannot fork: \(FileIO.lastError)" }
        return "ok \(task)"
    }

    /// Starts a process that runs `body`, in a group of its own, whose parent (a middle process
    /// sharing this one's memory) has already exited (``CForkServer/spindle_fork_orphan``): under
    /// the runtime, which is the subreaper, it is the runtime's child. Returns its pid, or -1 with errno set.
    static func forkOrphan(_ body: () -> Never) -> pid_t {
        withoutActuallyEscaping(body) { body in
            let box = ForkedBody(body)
            return withExtendedLifetime(box) {
                spindle_fork_orphan({ context in
                    Unmanaged<ForkedBody>.fromOpaque(context!).takeUnretainedValue().run()
                }, Unmanaged.passUnretained(box).toOpaque())
            }
        }
    }

    /// Runs `body` on a new thread and returns true once that thread has ended;
    /// false, without running it, when no thread can be made.
    static func onHelperThread(_ body: () -> Void) -> Bool {
        withoutActuallyEscaping(body) { body in
            let box = HelperBody(body)
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { context in
                Unmanaged<HelperBody>.fromOpaque(context!).takeUnretainedValue().body()
                return nil
            }, Unmanaged.passUnretained(box).toOpaque())
            guard created == 0 else { return false }
            pthread_join(thread, nil)
            return true
        }
    }

    /// The signals a newly executed program starts with, as a spawned process gets them
    /// (``ChildProcess``): default handling of those the runtime catches or ignores, none blocked.
    private static func restoreSignals() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGPIPE, SIG_DFL)
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
    }

    /// In the forked task process: its own group, its pipes as stdout and
    /// stderr and the third as the one it says how it ended on (``TaskEnd``),
    /// the signals a spawned task starts with, the request's environment;
    /// then the task. Never returns.
    ///
    /// No exec follows, so close-on-exec closes nothing: a task the server
    /// forked closes every other descriptor it inherited (`closingOthers`); a
    /// process forked ahead of its task keeps what it opened meanwhile (the
    /// store) and closes only its pipes' spare ends.
    private static func becomeTask(_ request: ForkRequest, pipes: [Int32], closingOthers: Bool,
                                   standing: Bool = false, runTask: ([String]) -> Never) -> Never {
        setpgid(0, 0)
        // A spawned task reads the end of its input at once; so does a forked one (a prepared
        // spin task would otherwise keep the spin's terminal, and stop on reading it).
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 && null != 0 {
            dup2(null, 0)
            close(null)
        }
        dup2(pipes[0], 1)
        dup2(pipes[1], 2)
        if standing { Trace.mark("task process forked ahead of its request") }
        if closingOthers {
            dup2(pipes[2], 3)
            _ = fcntl(3, F_SETFD, FD_CLOEXEC)  // what the step itself starts must not hold it
            spindle_close_from(4)
            TaskEnd.descriptor = 3
        } else {
            if pipes[0] > 2 { close(pipes[0]) }
            if pipes[1] > 2 { close(pipes[1]) }
            TaskEnd.descriptor = pipes[2]
        }
        restoreSignals()
        for (name, value) in request.environment { setenv(name, value, 1) }
        if !request.handoff.isEmpty { TaskHandoff.received = request.handoff }
        // `ps`, and anything else reading /proc/PID/cmdline, sees `BINARY _task …` as for a spawned task.
        ProcessTitle.set([TaskInvocation.command] + request.arguments)
        runTask(request.arguments)
    }

    /// Where the warm-up keeps the types it looked up, so that the lookups are not optimised away.
    nonisolated(unsafe) private static var keptTypes: [Any.Type] = []

    /// Opens the store and does what a task does — takes a recent task's
    /// inputs as its runtime would hand them over, decodes its small inputs
    /// and encodes them again, and rehearses its end
    /// (``rehearse(_:inv:graph:step:store:handsOver:)``) — so that the Swift
    /// runtime's type and conformance lookups are done once, here, and every
    /// forked task finds them done (with `SPINDLE_HANDOFF=0`, through GRDB, whose
    /// set-up is then warmed too, as tasks open the database). Nothing it opens
    /// stays open: false when the store it opened would not close, and the
    /// server must then not fork (SQLite's state for the file would cross).
    private static func warmUp(_ arguments: [String], graph: FlowGraph) -> Bool {
        if let name = option("--unset", in: arguments) { unsetenv(name) }
        // A standing process decodes its request as its first act: the array types that takes were
        // 6 % of a forked task's CPU, found afresh in every process until the server found them once.
        let request = ForkRequest(arguments: ["_task", "--store", "s"], environment: [("NAME", "value")], handoff: [1]).encoded
        _ = ForkRequest(decoding: request[...])  // an ArraySlice, as a standing process decodes its buffer
        // The types ``TaskProcess/execute(_:graph:)`` keeps across a step's body: their metadata is
        // found through a cache per type, which a task filled afresh after its body (5 % of its CPU).
        keptTypes = [TaskHandoff.Inputs?.self, Step?.self, TaskRecord?.self, (TaskHandoff.Inputs?, TaskHandoff.Inputs?).self]
        // Tasks handed their inputs never open the database: the warm-up reads its sample through
        // SQLite's C API (``SQLiteReader``), not GRDB, whose first opening was 2–3 ms of it.
        let handsOver = TaskHandoff.enabled
        guard let address = option("--store", in: arguments), let flow = option("--flow", in: arguments),
              let store = try? StoreAddress(parsing: address).open(creating: false, forTask: true, database: handsOver ? .readingOnly : .now)
        else { return true }
        // Never deinitialised: GRDB's deinit reaches Foundation's notification centre, which starts a
        // dispatch thread, and a fork needs one thread.
        TaskProcess.keptUntilExit.withLock { $0.append(store) }
        do {
            // The latest finished run: the run this server serves has no finished task yet.
            if let latest = try store.runs(flow: flow, status: .completed, limit: 1).first {
                let tasks = try store.tasks(flow: flow, run: latest.id, parents: true)
                // A task with parents, so that reading inputs is warmed too.
                if let sample = tasks.last(where: { $0.status == .completed && !$0.parents.isEmpty }) ?? tasks.first,
                   let step = graph.step(sample.step) {
                    let inv = TaskInvocation(store: address, flow: flow, run: latest.id, step: sample.step, task: sample.id)
                    // As the runtime hands a task its inputs (``TaskHandoff``), encoded and decoded.
                    let handed = TaskHandoff.Inputs(pathspec: inv.pathspec, parameters: latest.parameters, splits: sample.splits,
                                                    parents: try sample.parents.map { .init(pathspec: $0, artifacts: try store.artifacts(of: $0)) })
                    let context = try TaskProcess.makeContext(inv, graph: graph, step: step, store: store,
                                                              handed: TaskHandoff.Inputs(decoding: handed.encoded) ?? handed)
                    for (input, parent) in zip(context.parents, handed.parents) {
                        for record in parent.artifacts where record.size <= 1 << 16 {
                            if let value = try input.value(record.name) {
                                _ = SHA256.hex(ArtifactCodec.encode(value))
                                _ = value.summary(width: 72)
                            }
                        }
                    }
                    try rehearse(context, inv: inv, graph: graph, step: step, store: store, handsOver: handsOver)
                }
            }
        } catch {
            // A store it cannot read now is the task's to report; the server still serves.
        }
        do { try store.close() } catch { return false }
        // What every process forked ahead readies first (``standBy(store:flow:runTask:)``), readied
        // once here when it holds nothing of this process's: an embedded store whose database opens
        // on first use has no descriptor and no SQLite state. Its address parsed and its folders
        // found in each process were a tenth of a forked task's CPU.
        if handsOver, let parsed = try? StoreAddress(parsing: address), !parsed.isShared {
            TaskProcess.prepareStore(parsed, flow: flow, lazily: true)
        }
        return true
    }

    /// Goes through the end of a task without leaving a trace: artifacts of
    /// the commonest types set and read back, saved (blobs named, not
    /// written), and the rows handed back as the runtime reads them (or, when
    /// tasks commit their own, the task completed in a transaction rolled
    /// back). What a task runs for the first time in its process
    /// (generic metadata and conformance lookups, statements compiled on the
    /// connection) was half of a forked task's CPU; done here, once, it is
    /// done for every task forked after. The store is left as it was.
    private static func rehearse(_ context: TaskContext, inv: TaskInvocation, graph: FlowGraph, step: Step,
                                 store: Store, handsOver: Bool) throws {
        context.set("rehearsalInt", 1)
        context.set("rehearsalDouble", 1.5)
        context.set("rehearsalString", "s")
        context.set("rehearsalInts", [1, 2])
        context.set("rehearsalDoubles", [1.5, 2.5])
        context.set("rehearsalStrings", ["a", "b"])
        context.set("rehearsalDictionary", ["a": 1])
        // As most steps set their artifacts: through the subscript, whose optional existential is
        // a type of its own to find.
        context["rehearsalSubscript"] = 1
        context["rehearsalSubscript"] = nil
        _ = try context.artifact("rehearsalInt", as: Int.self)
        _ = try context.artifact("rehearsalDouble", as: Double.self)
        _ = try context.artifact("rehearsalString", as: String.self)
        _ = try context.artifact("rehearsalInts", as: [Int].self)
        _ = try context.artifact("rehearsalDoubles", as: [Double].self)
        _ = try context.artifact("rehearsalStrings", as: [String].self)
        _ = try context.artifact("rehearsalDictionary", as: [String: Int].self)
        guard handsOver else {
            try store.rehearse {
                try TaskProcess.finish(context, inv: inv, step: step, store: store, caught: nil)
            }
            return
        }
        // The rows a task hands back (``TaskHandoff``): made (blobs named, not written), encoded, and
        // read as its runtime reads them.
        let outcome = try store.rehearseBlobs {
            try TaskProcess.outcome(context, inv: inv, step: step, store: store, caught: nil)
        }
        var reading = TaskEnd.Reading()
        _ = reading.take(ArraySlice(Array("outcome \(outcome.encoded.count)\n".utf8) + outcome.encoded + Array("ended 0\n".utf8)))
        _ = reading.outcome.flatMap { TaskHandoff.Outcome(decoding: $0, task: inv.pathspec) }
    }

    /// An argument of spaces, long enough for a task's title over the server's own arguments.
    static func titleRoom(for store: String) -> String {
        String(repeating: " ", count: store.utf8.count + 200)
    }

    /// The threads of this process, from `/proc/self/task`.
    static func threadCount() -> Int {
        guard let dir = opendir("/proc/self/task") else { return -1 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            if entry.pointee.d_name.0 != 46 /* . */ { count += 1 }
        }
        return count
    }

    private static func reply(_ socket: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { spindle_send_with_fds(socket, $0.baseAddress, $0.count, nil, 0) } == bytes.count
    }
}

/// What a child forked by ``ForkServer/forkOrphan(_:)`` runs.
private final class ForkedBody {
    let run: () -> Never
    init(_ run: @escaping () -> Never) { self.run = run }
}

/// What ``ForkServer/onHelperThread(_:)`` runs.
private final class HelperBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// A run's fork server, forked from its runtime (``ForkServer/forkServer(store:flow:graph:warmUpTask:runTask:)``),
/// for the executor that starts the run's tasks (``SubprocessExecutor/init(binary:forkingTasksOf:store:server:)``).
public final class ForkServerStart: Sendable {
    let client: ForkServerClient
    init(_ client: ForkServerClient) { self.client = client }
}

/// A process forked early by a spin to become its task (``ForkServer/prepareTask(warmUp:runTask:)``).
public final class PreparedTask: Sendable {
    let client: ForkServerClient
    init(_ client: ForkServerClient) { self.client = client }
}

/// One request to the fork server: the task's `_task` arguments, the
/// environment variables it adds, and the inputs its runtime hands it
/// (``TaskHandoff``; empty when none). The counts come first, as text ending
/// with a NUL: `ARGUMENTS ENVIRONMENT HANDOFF`; then the arguments and the
/// environment as `NAME=value`, each ending with a NUL (any argument may be
/// empty); then exactly HANDOFF bytes.
struct ForkRequest: Equatable {
    var arguments: [String]
    var environment: [(String, String)]
    var handoff: [UInt8]

    init(arguments: [String], environment: [(String, String)], handoff: [UInt8] = []) {
        self.arguments = arguments
        self.environment = environment
        self.handoff = handoff
    }

    static func == (a: ForkRequest, b: ForkRequest) -> Bool {
        a.arguments == b.arguments && a.environment.elementsEqual(b.environment, by: { $0 == $1 }) && a.handoff == b.handoff
    }

    var encoded: [UInt8] {
        var bytes = Array("\(arguments.count) \(environment.count) \(handoff.count)".utf8) + [0]
        for a in arguments { bytes += Array(a.utf8) + [0] }
        for (k, v) in environment { bytes += Array("\(k)=\(v)".utf8) + [0] }
        return bytes + handoff
    }

    /// Nil when the bytes are not a request: no counts, fewer strings than they say, a string
    /// without its closing NUL, an environment entry without a name, or a handoff of another length.
    init?(decoding bytes: some Collection<UInt8>) {
        var rest = bytes[...]
        func next() -> [UInt8]? {
            guard let nul = rest.firstIndex(of: 0) else { return nil }
            defer { rest = rest[rest.index(after: nul)...] }
            return Array(rest[..<nul])
        }
        guard let header = next() else { return nil }
        let counts = String(decoding: header, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false).map { Int($0) }
        guard counts.count == 3, let argc = counts[0], let envc = counts[1], let handoffCount = counts[2],
              argc >= 0, envc >= 0, handoffCount >= 0 else { return nil }
        var arguments: [String] = []
        for _ in 0..<argc {
            guard let a = next() else { return nil }
            arguments.append(String(decoding: a, as: UTF8.self))
        }
        var environment: [(String, String)] = []
        for _ in 0..<envc {
            guard let s = next(), let eq = s.firstIndex(of: 61 /* = */), eq > 0 else { return nil }
            environment.append((String(decoding: s[..<eq], as: UTF8.self), String(decoding: s[(eq + 1)...], as: UTF8.self)))
        }
        guard rest.count == handoffCount else { return nil }
        self.init(arguments: arguments, environment: environment, handoff: Array(rest))
    }
}
