import Foundation
import Synchronization
import Testing
import SpindleStore

/// Where `swift build` put the products: next to the test bundle.
let productsDirectory: URL = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    if dir.lastPathComponent == "MacOS" { dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    return dir
}()

/// The path of a product built by this package, checked to exist.
func product(_ name: String) throws -> String {
    let path = productsDirectory.appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw SupportError("product \(name) is not built at \(path); run `swift build` first")
    }
    return path
}

struct SupportError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// What a command did.
struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

/// A fresh directory for one test, with its own store; removed when the test process exits
/// (``SandboxCleanup``).
struct Sandbox {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        SandboxCleanup.register(dir)
    }
    var storeRoot: URL { dir.appendingPathComponent(".spindle") }
    func store() throws -> Store { try Store.open(at: storeRoot, create: false) }

    /// Runs `binary` with `arguments` in this directory and waits for it.
    @discardableResult
    func run(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
             removing: [String] = []) throws -> Outcome {
        let p = try start(binary, arguments, environment: environment, removing: removing)
        return p.finish()
    }

    /// Starts `binary` (a product's name, or an absolute path) in this directory; `input`, when given, is written to
    /// its standard input, which is then closed (else it reads nothing).
    /// `removing` names variables of this process's environment it does not get.
    func start(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
               input: String? = nil, removing: [String] = []) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary.hasPrefix("/") ? binary : try product(binary))
        p.arguments = arguments
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        // The binaries under test are the ones just built: never rebuild them
        // (a rebuild would wait on the build lock `swift test` holds).
        env["SPINDLE_NO_REBUILD"] = "1"
        env["FAULT_DIR"] = dir.path
        // A bare spin leaves a standby for the next (ListeningStandby): here it waits 20 s, not
        // 10 minutes, so the suite's hundreds of sandboxes do not leave as many processes waiting.
        env["SPINDLE_STANDBY_IDLE"] = "20"
        env.removeValue(forKey: "SPINDLE_STORE")
        for (k, v) in environment { env[k] = v }
        for k in removing { env.removeValue(forKey: k) }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inPipe = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try p.runSerialized()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        return Running(process: p, out: out, err: err)
    }

    /// The steps FaultFlow recorded running, with how often each ran.
    func executions() -> [String: Int] {
        let text = (try? String(contentsOf: dir.appendingPathComponent("executions"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }
}

/// A started command; `finish` reads its output and waits for it.
struct Running {
    let process: Process
    let out: Pipe
    let err: Pipe

    func finish() -> Outcome {
        // A command that hangs is killed after ten minutes, so it fails its
        // test instead of stalling the whole run (a time limit on the test
        // cannot interrupt the blocking reads below).
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 600, execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes while the child runs, so a full pipe cannot stall it.
        let group = DispatchGroup()
        nonisolated(unsafe) var o = Data(), e = Data()
        group.enter()
        DispatchQueue.global().async { o = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { e = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Runs `body`, which blocks for long (a build, a process's whole life), on a thread of its own
/// and awaits its result: the test pool has a thread per core (two here), and a test that held
/// one for minutes left every other test one thread (Tests/README.md).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// Foundation's `Process.run()` on Linux is not safe to call from several
/// threads at once: once in a full run a launch crashed copying memory
/// inside `run()` while other tests launched theirs. The tests here launch
/// one process at a time (the processes still run side by side).
let processLaunches = NSLock()

extension Process {
    /// `run()`, one launch at a time across the test run.
    func runSerialized() throws {
        processLaunches.lock()
        defer { processLaunches.unlock() }
        try run()
    }
}

/// Removes the sandboxes this test process made when it exits: a run of the suite made
/// hundreds, and nothing removed them (a machine had 16 000 in /tmp). `SPINDLE_KEEP_SANDBOXES=1`
/// keeps them, to look at what a failing test left.
enum SandboxCleanup {
    private static let made = Mutex<[URL]>([])
    private static let installed: Bool = {
        atexit {
            guard getenv("SPINDLE_KEEP_SANDBOXES") == nil else { return }
            for dir in SandboxCleanup.made.withLock({ $0 }) { try? FileManager.default.removeItem(at: dir) }
        }
        return true
    }()

    static func register(_ dir: URL) {
        _ = installed
        made.withLock { $0.append(dir) }
    }
}

/// Copies the built product `name` to `destination` and returns once it can be executed: a
/// process another test forks while the copy is open for writing holds that descriptor until
/// it execs, and an exec of the copy meanwhile fails with "Text file busy" (ETXTBSY).
func copyProduct(_ name: String, to destination: String) throws {
    try FileManager.default.copyItem(atPath: try product(name), toPath: destination)
    try awaitExecutable(destination)
}

/// Returns once the flow binary at `destination`, just written, can be executed (see ``copyProduct(_:to:)``).
func awaitExecutable(_ destination: String) throws {
    for _ in 0..<100 {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: destination)
        probe.arguments = ["_task"]  // without its options: exits at once
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.runSerialized()
            probe.waitUntilExit()
            return
        } catch {
            usleep(50_000)
        }
    }
    throw SupportError("\(destination) could not be executed")
}

extension Sandbox {
    /// Starts a spin of FaultFlow's `left` and waits until its task runs: FaultFlow records
    /// `left` once in the sandbox's run and once in the spin. The wait is on the test pool, so it
    /// can end tens of seconds late in a full run: for a task that sleeps long.
    func startSpinOfLeft(environment: [String: String],
                         sourceLocation: SourceLocation = #_sourceLocation) async throws -> Running {
        let running = try start("FaultFlow", ["spin", "left", "--no-rebuild"], environment: environment)
        let started = await eventually { executions()["left"] == 2 }
        try #require(started, "the spin's task did not start: \(executions())", sourceLocation: sourceLocation)
        return running
    }
}
