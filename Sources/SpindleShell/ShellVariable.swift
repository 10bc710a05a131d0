import SpindleStore
import SpindleValue

/// A name in the shell: a focused step's input (loaded from the store only
/// when first used), a parameter, a foreach split's element, a join's
/// inputs, the last spin's outputs, or a value the user made.
struct ShellVariable {
    enum Source {
        /// An artifact of the focused step's parent.
        case artifact(ArtifactRecord)
        /// A run parameter.
        case parameter
        /// A foreach split's element: the parent's sequence artifact at an index.
        case splitInput(ArtifactRecord, index: Int)
        /// A join's parents, as a list of objects of their artifacts.
        case joinInputs([Pathspec])
        /// The artifacts of a spin's task, as an object.
        case outputs(Pathspec)
        /// The focused task's failure (``TaskFailure``), when it failed.
        case failure
        /// Made in the shell.
        case user
    }

    var source: Source
    /// The value as loaded (nil until first used).
    var original: Value?
    /// The value now, after any assignment.
    var current: Value?
    /// Whether a line assigned to it.
    var changed = false

    /// Whether spinning passes it to the step (inputs and parameters only).
    var isInput: Bool {
        switch source {
        case .artifact, .parameter, .splitInput, .joinInputs: true
        case .outputs, .failure, .user: false
        }
    }

    /// The type and size without loading, when known from metadata.
    var knownType: String? {
        switch source {
        case .artifact(let r): r.type
        default: current?.typeName
        }
    }
}
