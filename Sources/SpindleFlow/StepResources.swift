/// What a task of a step needs from the machine it runs on:
///
/// ```swift
/// Step("train", next: .to("end"), resources: .init(cpus: 4, memory: "8G", gpus: 1)) { task in … }
/// ```
///
/// An engine maps it to its own terms (Slurm: `--cpus-per-task`, `--mem`,
/// `--gres=gpu:N`); local subprocesses ignore it.
public struct StepResources: Sendable, Equatable {
    public var cpus: Int?
    /// A size with a unit, as engines write it: `512M`, `8G`.
    public var memory: String?
    public var gpus: Int?

    public init(cpus: Int? = nil, memory: String? = nil, gpus: Int? = nil) {
        self.cpus = cpus
        self.memory = memory
        self.gpus = gpus
    }
}
