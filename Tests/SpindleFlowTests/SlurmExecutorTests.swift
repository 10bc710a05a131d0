import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore

@Suite("The Slurm executor's arguments and reasons")
struct SlurmExecutorTests {
    let inv = TaskInvocation(store: "/s", flow: "F", run: .number(3), step: "train", task: 7)

    func step(timeout: Duration? = nil, resources: StepResources? = nil) -> Step {
        Step("train", timeout: timeout, resources: resources) { _ in }
    }

    @Test("resources and timeouts become srun's options; a timeout is rounded up to whole minutes")
    func arguments() throws {
        let slurm = try SlurmExecutor(binary: "/bin/F", srun: "/usr/bin/srun", environment: ["SPINDLE_SLURM_ARGS": "--partition=gpu --account=ml"])
        let plain = slurm.arguments(inv, step: step())
        #expect(plain.contains("--job-name=spindle:F/3/train/7"))
        #expect(!plain.contains { $0.hasPrefix("--time") })
        #expect(plain.suffix(2) == ["--partition=gpu", "--account=ml"])
        let full = slurm.arguments(inv, step: step(timeout: .seconds(61), resources: .init(cpus: 4, memory: "8G", gpus: 1)))
        for expected in ["--time=2", "--cpus-per-task=4", "--mem=8G", "--gres=gpu:1"] { #expect(full.contains(expected), "\(full)") }
        #expect(slurm.arguments(inv, step: step(timeout: .seconds(5))).contains("--time=1"))
    }

    @Test("Slurm's words for a job's end become a reason a user can act on; the task's own failure is left to the task", arguments: [
        ("slurmstepd-vm: error: *** STEP 12.0 ON vm CANCELLED AT 2026-11-30T06:22:56 DUE TO TIME LIMIT ***",
         "Slurm job 12 reached its time limit and Slurm cancelled it (scontrol show job 12); raise the step's timeout, or resume to try again"),
        ("slurmstepd-vm: error: *** STEP 4.0 ON vm CANCELLED AT 2026-11-30T06:23:20 ***\nsrun: error: vm: task 0: Terminated",
         "Slurm job 4 was cancelled (scancel, or an administrator) (scontrol show job 4); resume the run to try again"),
        ("srun: error: Node failure on vm\nsrun: error: job 9: NODE_FAIL",
         "the node under Slurm job 9 failed (scontrol show job 9); resume the run to try again"),
        ("srun: error: Unable to allocate resources: Requested node configuration is not available",
         "Slurm did not run the task: srun: error: Unable to allocate resources: Requested node configuration is not available"),
        ("step 'left' failed: boom\nsrun: error: vm: task 0: Exited with exit code 1", nil),
    ] as [(String, String?)])
    func reasons(stderr: String, reason: String?) {
        #expect(SlurmExecutor.reason(stderr: stderr, status: ExitStatus(code: 1, signal: nil)) == reason)
    }

    @Test("without srun, --executor slurm says what to install")
    func noSrun() {
        #expect(throws: FlowError.self) { _ = try SlurmExecutor(binary: "/bin/F", environment: ["PATH": "/nonexistent"]) }
    }
}
