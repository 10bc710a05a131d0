import Foundation
import SpindleStore

/// The environment to start a flow binary's `spin` with, from a program that
/// starts spins (the shell, `spindle watch`, the MCP server): with Swift's
/// crash reports set as the task logs keep them, the spin forks its task
/// process early instead of spawning it (``ForkServer/prepareTask(warmUp:runTask:)``),
/// about 4 ms sooner (left out when the user has set `SWIFT_BACKTRACE`: it is
/// inherited). And `SPINDLE_STANDBY=0`: such a program keeps its own
/// standby (``SpinStandby``) or none, and a bare spin's (``ListeningStandby``)
/// would only wait, unused.
public let spinEnvironment: [String: String] = TaskLauncher.crashReports.merging(["SPINDLE_STANDBY": "0"]) { $1 }

/// How one attempt of a task went, as the runtime saw it from outside.
public struct AttemptResult: Sendable {
    public var status: ExitStatus
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
    public var truncated: Bool
    /// Why it failed, in words, when the executor knows better than the exit
    /// status (an engine that cancelled the job, say).
    public var reason: String? = nil
    /// The rows a forked task handed over for the runtime to commit (``TaskHandoff``).
    var outcome: TaskHandoff.Outcome? = nil
}

/// Runs one attempt of a task as a subprocess of the flow binary: streams its
/// output with a task prefix, keeps the last `logLimit` bytes of each stream,
/// and kills its process group past `timeout`.
enum TaskLauncher {
    /// `launcher`, when given, is a command the task's command line is handed
    /// to (`srun … BINARY _task …`): the launcher's process is the one timed,
    /// killed and read.
    /// `forkServer`, when given, starts the task process by a fork of a warm
    /// copy of `binary` (``ForkServer``); if it cannot, the task is spawned.
    static func run(_ inv: TaskInvocation, binary: String, launcher: [String] = [], forkServer: ForkServerClient? = nil,
                    timeout: Duration?, logLimit: Int,
                    console: Console, registry: ChildRegistry, label: String, environment: [String: String] = [:]) async -> AttemptResult {
        let child: ChildProcess
        var handedOver = false
        do {
            var forked: ChildProcess?
            if let forkServer {
                do {
                    (forked, handedOver) = try forkServer.spawn(inv.arguments, environment: environment,
                                                                handoff: inv.handoff?.encoded ?? [])
                } catch {
                    Trace.mark("fork server: \(error); spawning instead")
                }
            }
            if let forked {
                child = forked
            } else {
                let command = launcher + [binary, TaskInvocation.command] + inv.arguments
                child = try ChildProcess.spawn(command[0], Array(command.dropFirst()), environment: TaskLauncher.crashReports.merging(environment) { $1 })
            }
        } catch {
            return AttemptResult(status: ExitStatus(code: 127, signal: nil), timedOut: false, stdout: "",
                                 stderr: "\(error)", truncated: false)
        }
        Trace.mark("spawned \(label)")
        registry.add(inv.task, child)
        let watch = ChildWatch(child, logLimit: logLimit) { console.taskLine(label, $0, isError: $1) }
        let timedOut = Flag()
        let timer: Task<Void, Never>? = timeout.map { t in
            Task.detached {
                do { try await Task.sleep(for: t) } catch { return }
                timedOut.set()
                child.kill(SIGTERM)
                do { try await Task.sleep(for: .seconds(2)) } catch { return }
                child.kill(SIGKILL)
            }
        }
        let status = await watch.exited()
        Trace.mark("exited \(label)")
        timer?.cancel()
        child.kill(SIGKILL)  // anything the task left behind in its group
        let (out, err) = await watch.output()
        registry.remove(inv.task)
        var result = AttemptResult(status: status, timedOut: timedOut.isSet, stdout: out.text, stderr: err.text,
                                   truncated: out.wasTruncated || err.wasTruncated)
        if handedOver, let bytes = watch.outcome {
            result.outcome = TaskHandoff.Outcome(decoding: bytes, task: inv.pathspec)
            if result.outcome == nil && status.succeeded {
                result.reason = "the task's process ended, but the rows it handed over were damaged"
            }
        }
        return result
    }

    /// A task process that crashes prints the crashing thread's backtrace,
    /// with files and lines, to its stderr, which the log keeps (the shell's
    /// post-mortem shows it as `error.backtrace`). Swift's backtracer does it;
    /// a `SWIFT_BACKTRACE` of the user's own is left as it is. (Read with getenv:
    /// a runtime forking its server reads it before its first lock.)
    static let crashReports: [String: String] = getenv("SWIFT_BACKTRACE") != nil ? [:]
        : ["SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=no"]

    /// The lines a task printed before a crash report began (``crashReports``).
    public static func beforeCrashReport(_ stderr: String) -> Substring {
        guard let r = stderr.range(of: "\n*** Signal ") ?? stderr.range(of: "\n💣 Program crashed") else { return Substring(stderr) }
        return stderr[..<r.lowerBound]
    }

    /// Why an attempt failed, in words: the step's own error when it reported
    /// one, else how the process ended and the last lines it printed.
    static func failureReason(_ r: AttemptResult, record: TaskRecord?, timeout: Duration?) -> String {
        if r.timedOut, let t = timeout { return "timed out after \(t.formatted) and was killed" }
        if let reason = r.reason { return reason }
        if let e = record?.error, record?.status == .failed,
           r.status.code == TaskProcess.failedExitCode || r.status.code == TaskProcess.setupExitCode {
            return e
        }
        var reason = "the task process \(r.status)"
        let tail = beforeCrashReport(r.stderr).split(separator: "\n").suffix(3).joined(separator: " | ")
        if !tail.isEmpty { reason += ": \(tail)" }
        return reason
    }
}
