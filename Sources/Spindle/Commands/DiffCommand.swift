import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// The options of a diff: tolerances, JSON, and the exit status for a difference.
struct DiffOptions: ParsableArguments {
    @Option(help: "Absolute tolerance for numbers.") var atol: Double = 0
    @Option(help: "Relative tolerance for numbers.") var rtol: Double = 0
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit with status 3 when they differ.") var failOnDiff = false

    /// Prints the diff of two tasks; exit status 3 with --fail-on-diff when they differ.
    func print(_ a: Pathspec, _ b: Pathspec, store: Store) throws {
        let diff = try store.diffTasks(old: a, new: b, tolerance: Tolerance(absolute: atol, relative: rtol))
        Swift.print(json ? diff.jsonValue.jsonText(pretty: true) : diff.description)
        if failOnDiff && !diff.isEmpty { throw ExitCode(3) }
    }
}

/// `diff`: any two tasks' outputs (runs and spins alike).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two tasks' outputs (any two tasks or spins).",
        discussion: "Each is a task pathspec, like 3/train/2 or spin-1/train/1 in a flow binary, RatingsFlow/3/train/2 in spindle. A spin's overridden inputs are not its outputs and are left out. Exit status 3 with --fail-on-diff when they differ.")
    @Argument(help: "The old task.") var old: String
    @Argument(help: "The new task.") var new: String
    @OptionGroup var diffOptions: DiffOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let (a, b) = (try PathspecScope.qualify(old), try PathspecScope.qualify(new))
        try diffOptions.print(a, b, store: try storeOptions.open(reading: [a, b]))
    }
}
