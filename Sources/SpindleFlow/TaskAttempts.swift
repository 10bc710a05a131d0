import Foundation
import SpindleStore
import SpindleValue

/// Which of a step's decorators are in force for one task: a run keeps them
/// all; a spin turns retry and catch off unless asked, and may turn the
/// timeout off for slow debugging by hand.
public struct AttemptPolicy: Sendable, Equatable {
    /// Retries after the first attempt, and the wait before each.
    public var retry: RetryPolicy
    /// When set, a failure of the last attempt is stored as this artifact and the task completes.
    public var catchArtifact: String?
    /// The longest an attempt may run before its process is killed.
    public var timeout: Duration?

    public init(retry: RetryPolicy = RetryPolicy(count: 0), catchArtifact: String? = nil, timeout: Duration? = nil) {
        self.retry = retry
        self.catchArtifact = catchArtifact
        self.timeout = timeout
    }

    /// The step's own decorators, less what `decorators` and `timeout` turn off.
    public static func of(_ step: Step, decorators: Bool = true, timeout: Bool = true) -> AttemptPolicy {
        AttemptPolicy(retry: decorators ? step.retry : RetryPolicy(count: 0),
                      catchArtifact: decorators ? step.catchArtifact : nil,
                      timeout: timeout ? step.timeout : nil)
    }
}

/// The attempts of one task, exactly as a run and a spin both make them: run
/// an attempt, keep its output, retry while the policy allows, and on the
/// last failure either catch it (the step's `catch:`, also when the process
/// crashed before it could catch its own error) or record it as failed.
struct TaskAttempts: Sendable {
    let store: Store
    let executor: any TaskExecutor
    let console: Console
    let logLimit: Int
    let registry: ChildRegistry

    /// How a task's attempts ended.
    enum Ending: Sendable {
        /// As the store records it.
        case recorded(TaskRecord)
        /// Succeeded, with the rows its process handed over, which the caller commits
        /// (``run(_:step:policy:stop:committing:)`` with `committing: false`).
        case handedOver(TaskCompletion)
    }

    /// Runs `invocation` (whose first attempt is already recorded as started)
    /// until an attempt succeeds, the retries run out, or `stop` says to give
    /// up; returns the task as finally recorded.
    func run(_ invocation: TaskInvocation, step: Step, policy: AttemptPolicy,
             stop: @Sendable () -> Bool = { false }) async throws -> TaskRecord {
        switch try await run(invocation, step: step, policy: policy, stop: stop, committing: true) {
        case .recorded(let record): return record
        case .handedOver: preconditionFailure("attempts that commit never hand their rows over")
        }
    }

    /// As ``run(_:step:policy:stop:)``; without `committing`, an attempt that succeeded with its
    /// rows handed over ends there, uncommitted: a runtime commits them with the start of the
    /// tasks that follow, in one transaction (``Store/commit(completing:starting:)``).
    func run(_ invocation: TaskInvocation, step: Step, policy: AttemptPolicy,
             stop: @Sendable () -> Bool = { false }, committing: Bool) async throws -> Ending {
        let pathspec = invocation.pathspec
        let timed = step.with(timeout: policy.timeout)
        var attempt = invocation.attempt
        while true {
            let last = attempt >= policy.retry.count
            var inv = invocation
            inv.attempt = attempt
            inv.catchArtifact = last ? policy.catchArtifact : nil
            var result = await executor.execute(inv, step: timed, logLimit: logLimit, console: console, registry: registry)
            if result.timedOut, let t = policy.timeout {
                // What the step printed before the kill is kept; this line says why it ends there.
                result.stderr += (result.stderr.isEmpty || result.stderr.hasSuffix("\n") ? "" : "\n")
                    + "spindle: the step's timeout of \(t.formatted) ran out; the task was killed\n"
            }
            let log = TaskLog(attempt: attempt, stdout: result.stdout, stderr: result.stderr, truncated: result.truncated)
            var committed: TaskRecord?
            if !committing, result.status.succeeded, let outcome = result.outcome {
                return .handedOver(TaskCompletion(task: pathspec, artifacts: outcome.artifacts, foreachCount: outcome.foreachCount,
                                                  parametersRead: outcome.parametersRead, log: log))
            }
            if result.status.succeeded, let outcome = result.outcome {
                // The task handed its rows over (``TaskHandoff``): it is done once they are committed, with
                // its log. A commit that fails fails this attempt, as the task's own failed commit did.
                do {
                    committed = try store.completeTask(pathspec, artifacts: outcome.artifacts, foreachCount: outcome.foreachCount,
                                                       parametersRead: outcome.parametersRead, log: log, reading: true)
                } catch {
                    result.reason = "the rows it handed over could not be committed: \(error)"
                }
            }
            if committed == nil {
                try? store.saveLog(task: pathspec, attempt: attempt, stdout: log.stdout, stderr: log.stderr,
                                   truncated: log.truncated)
            }
            let record = committed ?? (try? store.task(pathspec))
            if result.status.succeeded, let record, record.status == .completed { return .recorded(record) }
            let reason = TaskLauncher.failureReason(result, record: record, timeout: policy.timeout)
            try store.failTask(pathspec, error: reason)
            if stop() { return .recorded(try store.task(pathspec)) }
            if !last {
                attempt += 1
                console.line(console.paint("  \(step.name)/\(invocation.task) failed (\(reason)); retrying, attempt \(attempt + 1) of \(policy.retry.count + 1)", "33"))
                if policy.retry.delay > .zero { try? await Task.sleep(for: policy.retry.delay) }
                if stop() { return .recorded(try store.task(pathspec)) }
                try store.startTask(TaskRecord(flow: invocation.flow, run: invocation.run, step: step.name, id: invocation.task,
                                               attempt: attempt, parents: invocation.parents, splits: invocation.splits,
                                               inputFingerprint: record?.inputFingerprint, origin: record?.origin))
                continue
            }
            if let name = policy.catchArtifact, result.status.code != TaskProcess.failedExitCode {
                // The process died before it could catch its own failure: catch it here.
                try catchCrash(invocation, step: step, artifact: name, reason: reason)
                console.line(console.paint("  \(step.name)/\(invocation.task) failed (\(reason)); caught as artifact '\(name)'", "33"))
            }
            return .recorded(try store.task(pathspec))
        }
    }

    /// Completes a crashed task whose step catches failures: its parent's
    /// artifacts carried over, and the reason as the catch artifact.
    func catchCrash(_ inv: TaskInvocation, step: Step, artifact: String, reason: String) throws {
        var records = [try store.saveArtifact(artifact, .string(reason), task: inv.pathspec)]
        if !step.isJoin, let parent = inv.parents.first {
            for var a in try store.artifacts(of: parent) where a.name != artifact {
                a.isOwn = false
                a.task = inv.pathspec
                records.append(a)
            }
        }
        try store.completeTask(inv.pathspec, artifacts: records)
    }
}

extension Step {
    /// This step with another timeout (a spin's `--no-timeout`).
    func with(timeout: Duration?) -> Step {
        if timeout == self.timeout { return self }
        return Step(name: name, transition: transition, isJoin: isJoin, retry: retry, timeout: timeout,
                    catchArtifact: catchArtifact, resources: resources, file: file, line: line, body: body)
    }
}
