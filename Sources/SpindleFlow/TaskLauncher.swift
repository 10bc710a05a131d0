import Foundation
import SpindleStore

/// How one attempt of a task went, as the runtime saw it from outside.
public struct AttemptResult: Sendable {
    public var status: ExitStatus
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
    public var truncated: Bool
}

/// Runs one attempt of a task as a subprocess of the flow binary: streams its
/// output with a task prefix, keeps the last `logLimit` bytes of each stream,
/// and kills its process group past `timeout`.
enum TaskLauncher {
    static func run(_ inv: TaskInvocation, binary: String, timeout: Duration?, logLimit: Int, console: Console,
                    registry: ChildRegistry, label: String) async -> AttemptResult {
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(binary, [TaskInvocation.command] + inv.arguments)
        } catch {
            return AttemptResult(status: ExitStatus(code: 127, signal: nil), timedOut: false, stdout: "",
                                 stderr: "\(error)", truncated: false)
        }
        Trace.mark("spawned \(label)")
        registry.add(inv.task, child)
        let out = PipeReader(fd: child.stdout, limit: logLimit) { console.taskLine(label, $0, isError: false) }
        let err = PipeReader(fd: child.stderr, limit: logLimit) { console.taskLine(label, $0, isError: true) }
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
        let status = await child.wait()
        Trace.mark("exited \(label)")
        timer?.cancel()
        child.kill(SIGKILL)  // anything the task left behind in its group
        let (o, ot) = await out.text()
        let (e, et) = await err.text()
        registry.remove(inv.task)
        return AttemptResult(status: status, timedOut: timedOut.isSet, stdout: o, stderr: e, truncated: ot || et)
    }

    /// Why an attempt failed, in words: the step's own error when it reported
    /// one, else how the process ended and the last lines it printed.
    static func failureReason(_ r: AttemptResult, record: TaskRecord?, timeout: Duration?) -> String {
        if r.timedOut, let t = timeout { return "timed out after \(t.formatted) and was killed" }
        if let e = record?.error, record?.status == .failed,
           r.status.code == TaskProcess.failedExitCode || r.status.code == TaskProcess.setupExitCode {
            return e
        }
        var reason = "the task process \(r.status)"
        let tail = r.stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
        if !tail.isEmpty { reason += ": \(tail)" }
        return reason
    }
}
