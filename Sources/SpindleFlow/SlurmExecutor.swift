import Foundation
import SpindleStore

/// Each attempt as a Slurm job: `srun … BINARY _task …`, so the task runs on
/// whichever node Slurm gives it, its output streams back into the task's log
/// as it comes, and its exit status is the task's. The step's resources
/// become `--cpus-per-task`, `--mem` and `--gres=gpu:N`; its timeout becomes
/// the job's time limit (in whole minutes, Slurm's unit) and is also enforced
/// here, to the second. Stopping the run (Ctrl-C) ends `srun`, which
/// cancels the job. How the job ended — cancelled (`scancel`), over its time
/// limit, a node failure — is read from Slurm's own words on `srun`'s
/// standard error and said in the task's error.
///
/// The task process records its job and node in its row (``TaskPlacement``).
/// Tasks need a store every node can reach: a shared store (PostgreSQL + S3),
/// or a folder on a shared file system.
///
/// `SPINDLE_SLURM_ARGS` adds options to every `srun` (`--partition=gpu
/// --account=ml`), split at spaces.
public struct SlurmExecutor: TaskExecutor {
    public let binary: String
    /// The `srun` to run.
    public let srun: String
    /// Options every job gets.
    public let extraArguments: [String]

    public init(binary: String = currentExecutable(), srun: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.binary = binary
        guard let found = srun ?? Self.find("srun", in: environment["PATH"] ?? "/usr/bin:/bin") else {
            throw FlowError.usage("--executor slurm needs Slurm's srun on PATH (apt-get install slurm-client, and a cluster to talk to)")
        }
        self.srun = found
        extraArguments = (environment["SPINDLE_SLURM_ARGS"] ?? "").split(separator: " ").map(String.init)
    }

    public func execute(_ inv: TaskInvocation, step: Step, logLimit: Int, console: Console, registry: ChildRegistry) async -> AttemptResult {
        var result = await TaskLauncher.run(inv, binary: binary, launcher: [srun] + arguments(inv, step: step), timeout: step.timeout,
                                            logLimit: logLimit, console: console, registry: registry, label: "\(inv.step)/\(inv.task)")
        if result.status.code != 0 || result.status.signal != nil { result.reason = Self.reason(stderr: result.stderr, status: result.status) }
        return result
    }

    /// `srun`'s options for one attempt (the command line follows them).
    public func arguments(_ inv: TaskInvocation, step: Step) -> [String] {
        var a = ["--job-name=spindle:\(inv.flow)/\(inv.run)/\(inv.step)/\(inv.task)", "--nodes=1", "--ntasks=1",
                 "--kill-on-bad-exit=1", "--quiet", "--export=ALL"]
        if let t = step.timeout {
            let seconds = Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18
            a.append("--time=\(max(1, Int((seconds / 60).rounded(.up))))")
        }
        if let r = step.resources {
            if let c = r.cpus { a.append("--cpus-per-task=\(c)") }
            if let m = r.memory { a.append("--mem=\(m)") }
            if let g = r.gpus, g > 0 { a.append("--gres=gpu:\(g)") }
        }
        return a + extraArguments
    }

    /// The task's failure as Slurm explains it, when it does; nil for the
    /// task's own failure (whose error the task recorded itself).
    public static func reason(stderr: String, status: ExitStatus) -> String? {
        let job = stderr.firstMatch(of: /STEP (\d+)\.\d+/).map { String($0.1) } ?? stderr.firstMatch(of: /[Jj]ob (\d+)/).map { String($0.1) }
        let which = job.map { "Slurm job \($0)" } ?? "the Slurm job"
        let inspect = job.map { " (scontrol show job \($0))" } ?? ""
        if stderr.contains("DUE TO TIME LIMIT") {
            return "\(which) reached its time limit and Slurm cancelled it\(inspect); raise the step's timeout, or resume to try again"
        }
        if stderr.contains("NODE_FAIL") || stderr.contains("Node failure") || stderr.contains("DUE TO NODE FAILURE") {
            return "the node under \(which) failed\(inspect); resume the run to try again"
        }
        if stderr.contains("DUE TO PREEMPTION") {
            return "\(which) was preempted by Slurm\(inspect); resume the run to try again"
        }
        if stderr.contains("CANCELLED AT") {
            return "\(which) was cancelled (scancel, or an administrator)\(inspect); resume the run to try again"
        }
        // srun's own errors before the task ran (not "task 0: Exited with exit code 1", which is the task's failure).
        let refusal = stderr.split(separator: "\n").first { line in
            line.contains("srun: error:") && !line.contains(": task ") &&
                ["Unable to", "Invalid", "controller", "not available", "Requested", "Batch job submission failed"].contains { line.contains($0) }
        }
        if let refusal { return "Slurm did not run the task: \(refusal.trimmingCharacters(in: .whitespaces))" }
        return nil
    }

    /// The job and node this process runs under, from the variables Slurm sets; nil outside Slurm.
    public static func placementFromEnvironment() -> TaskPlacement? {
        // getenv, not the whole environment: every task process asks.
        func get(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let job = get("SLURM_JOB_ID") else { return nil }
        return TaskPlacement(engine: "slurm", job: job, node: get("SLURMD_NODENAME") ?? get("SLURM_NODELIST"))
    }

    static func find(_ name: String, in path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
