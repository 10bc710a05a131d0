import CSpinStandby
import Foundation
import SpindleStore
import Synchronization

/// A spin process left waiting on a socket for the next `FLOW spin …` typed
/// at a bare command line, so that spin starts where a shell's standby
/// (``SpinStandby``) starts: binary loaded, graph checked, store open, task
/// process forked, a spin rehearsed.
///
/// A bare spin of an embedded store leaves one behind when it ends
/// (``leaveBehind(store:)``): `FLOW _standby --listen NAME --store ADDRESS`,
/// in a session of its own, with /dev/null for its input and output. The next
/// spin's process hands its arguments and its standard descriptors to it
/// before the Swift runtime starts (Sources/CSpinStandby), waits, and exits
/// with the status it is told; the standby runs the spin as that process
/// would have, then leaves the next standby behind and exits.
///
/// The socket's name is made of the binary's path, the working directory,
/// the environment and the user, so a standby serves only a spin that would
/// have run exactly as it does. It refuses — and the client runs the spin
/// itself — a spin it cannot take: a binary rebuilt since it started, a
/// store folder replaced, sources changed (the spin must rebuild), `--debug`,
/// another executor, or a command line only ArgumentParser reads. It exits
/// after ``idleSeconds`` without a spin. `SPINDLE_STANDBY=0` turns it off.
public enum ListeningStandby {
    /// The standby's option naming its socket.
    public static let option = "--listen"
    /// Seconds a standby waits for a spin before it exits: `SPINDLE_STANDBY_IDLE`, else 600.
    public static var idleSeconds: Int {
        guard let text = getenv("SPINDLE_STANDBY_IDLE"), let seconds = Int(String(cString: text)), seconds > 0 else { return 600 }
        return min(seconds, 86_400)
    }

    /// The store of the standby to start at exit (under this process's ``ownName``), once known.
    nonisolated(unsafe) private static var successor: String?
    nonisolated(unsafe) private static var registered = false
    /// Set in a standby that checked, before taking its spin, that the flow's sources are unchanged.
    nonisolated(unsafe) public static var sourcesChecked = false

    /// The socket name this process's binary, directory, environment and context give (``spindle_standby_name``).
    public static var ownName: String { String(cString: spindle_standby_name()) }

    /// Whether this process is a bare spin that may use and leave a standby (``spindle_standby_allowed``).
    public static var allowed: Bool { spindle_standby_allowed() != 0 }

    /// Called by a spin once its store (at `address`) is open: at exit, after
    /// its last line, a standby is started for the next spin, when this spin
    /// is a bare one and the store is embedded (a shared store's standby would
    /// hold a database connection while idle).
    public static func leaveBehind(store address: String) {
        guard allowed, successor == nil, !ownName.isEmpty,
              let parsed = try? StoreAddress(parsing: address), !parsed.isShared else { return }
        successor = address
        startAtExit()
    }

    private static func startAtExit() {
        guard !registered else { return }
        registered = true
        atexit { ListeningStandby.startSuccessor() }
    }

    /// Starts the standby this process leaves, if any: only when the command
    /// got as far as an outcome (``SpinEnd/code``).
    static func startSuccessor() {
        guard let store = successor, SpinEnd.code != nil else { return }
        successor = nil
        let started = spindle_standby_spawn(currentExecutable(), ownName, store)
        Trace.mark(started > 0 ? "left standby \(started) behind" : "could not leave a standby: \(FileIO.lastError)")
    }

    /// The files a standby must find as they were when it started: its binary
    /// (a rebuilt one is another file, or a newer one) and its store's
    /// database (the same file: a store folder removed and made again holds another).
    public struct Originals: Sendable {
        private let binary: String
        private let binaryIdentity: FileIdentity?
        private let database: String
        private let databaseIdentity: FileIdentity?

        /// Notes `binary` and the database of the embedded store in folder `store` as they are now.
        public init(binary: String, store: String) {
            self.binary = binary
            binaryIdentity = FileIdentity(binary)
            database = store + "/" + Store.databaseFileName
            databaseIdentity = FileIdentity(database)
        }

        /// What changed since, if anything. A file that could not be looked at counts as changed.
        public var change: String? {
            guard let binaryIdentity, FileIdentity(binary) == binaryIdentity else { return "\(binary) changed since the standby started" }
            // The same file (it is written all the time): a store folder removed and made again holds another.
            guard let databaseIdentity, let now = FileIdentity(database),
                  now.device == databaseIdentity.device, now.inode == databaseIdentity.inode else {
                return "\(database) is not the file the standby opened"
            }
            return nil
        }
    }

    /// Takes the name `name` for this standby. Nil when another standby has it (this one exits)
    /// or the socket cannot be made. Clients are refused until ``serve(listener:store:refusal:)``.
    public static func claim(_ name: String) -> Int32? {
        let fd = spindle_standby_bind(name)
        return fd >= 0 ? fd : nil
    }

    /// Once the standby is ready: listens on `listener` (from ``claim(_:)``),
    /// answers with the reason each spin it cannot take, and returns the
    /// first it takes, after making the client's descriptors this process's
    /// standard ones and arranging that the client hears how the spin ended.
    /// Nil when no spin came within ``idleSeconds``, or a refusal was final:
    /// the standby then exits.
    public static func serve(listener: Int32, store: String,
                             refusal: (_ arguments: [String]) -> (reason: String, final: Bool)?) -> [String]? {
        // Threads the spin will need, made now rather than on its time.
        SignalWatch.prepare()
        watchClients()
        guard spindle_standby_listen(listener) == 0 else {
            Trace.mark("standby cannot listen: \(FileIO.lastError)")
            return nil
        }
        var request = spindle_standby_request()
        let deadline = ContinuousClock.now + .seconds(idleSeconds)
        while true {
            let left = deadline - ContinuousClock.now
            let milliseconds = max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            let accepted = spindle_standby_accept(listener, Int32(clamping: milliseconds), &request)
            guard accepted == 1 else {
                Trace.mark(accepted == 0 ? "standby idle: exiting" : "standby cannot accept: \(FileIO.lastError)")
                return nil
            }
            var arguments: [String] = []
            for i in 0..<Int(request.count) {
                arguments.append(String(cString: request.arguments[i]!))
                free(request.arguments[i])
            }
            free(request.arguments)
            if let (reason, final) = refusal(arguments) {
                Trace.mark("standby refused a spin\(final ? ", and ends" : ""): \(reason)")
                // Ending: let go of the name first, so the standby the refused spin leaves can take it.
                if final { close(listener) }
                _ = spindle_standby_answer(&request, 0, reason)
                if final { return nil }
                continue
            }
            // A client that went away or gave up before it said go ran nothing here, and nothing runs.
            guard spindle_standby_answer(&request, 1, nil) == 0 else { continue }
            close(listener)
            var fds = request.fds
            withUnsafeBytes(of: &fds) { raw in
                for (standard, fd) in raw.bindMemory(to: Int32.self).enumerated() {
                    dup2(fd, Int32(standard))
                    close(fd)
                }
            }
            // The next standby starts after this spin has said how it ended (atexit runs in reverse).
            successor = store
            startAtExit()
            SpinEnd.install(reportingOn: request.connection)
            endWithClient(request.connection)
            Trace.mark("standby took a spin from pid \(request.client)")
            return arguments
        }
    }

    /// The write end of the pipe that hands the client's connection to the thread watching it
    /// (``watchClients()``); -1 before that thread is made.
    nonisolated(unsafe) private static var clientWatch: Int32 = -1

    /// Makes, while the standby waits, the thread that will end its spin as Ctrl-C would
    /// (SIGTERM) when its client goes away before it is told how the spin ended (killed, say,
    /// so nobody waits for the spin any more); a thread made after the spin is taken would
    /// start on its time.
    static func watchClients() {
        guard clientWatch < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        clientWatch = ends[1]
        let handed = ends[0]
        Thread.detachNewThread {
            var watched: Int32 = -1
            let n = withUnsafeMutableBytes(of: &watched) { read(handed, $0.baseAddress, 4) }
            guard n == 4, watched >= 0 else { return }
            // POLLRDHUP (0x2000; Glibc does not export it to Swift): the client closed its end.
            var poll = pollfd(fd: watched, events: 0x2000, revents: 0)
            while Glibc.poll(&poll, 1, -1) < 0 && errno == EINTR {}
            if !SpinEnd.said.load(ordering: .sequentiallyConsistent) { kill(getpid(), SIGTERM) }
        }
    }

    private static func endWithClient(_ connection: Int32) {
        var watched = dup(connection)
        guard watched >= 0 else { return }
        _ = fcntl(watched, F_SETFD, FD_CLOEXEC)
        guard withUnsafeBytes(of: &watched, { write(clientWatch, $0.baseAddress, 4) }) == 4 else { close(watched); return }
    }
}
