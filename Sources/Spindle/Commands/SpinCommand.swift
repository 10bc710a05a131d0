import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

extension SplitAddress: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

struct SpinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin",
        abstract: "Run one step on the real artifacts of a real run, with changes, and diff its outputs.",
        discussion: """
        Parents come from the latest completed run that has them (--run for another, --task to reuse an \
        earlier task's inputs, --after to take an earlier spin's outputs). Overrides replace inputs: \
        --set rate=0.05, --set 'layers=[64, 32]', --set-file ratings=small.json; in a join, \
        --set 'inputs[1].rmse=0.5' changes one parent. Parameters are overridden the same way. \
        Retry and catch are off unless --with-decorators; the timeout stays unless --no-timeout. The result is stored as a \
        spin (Flow/spin-N), and its outputs are diffed against the task it re-ran.

        Exit status: 0 when the step succeeded; 1 when it failed; 3 with --fail-on-diff when its outputs changed.
        """)

    @Argument(help: "The step to spin (or give --at FILE:LINE).") var step: String?
    @Option(help: ArgumentHelp("Spin the step whose body holds this line.", valueName: "FILE:LINE")) var at: String?
    @Option(name: .customLong("run"), help: "The run to take parents from (default: the latest completed run that has them).")
    var sourceRun: String?
    @Option(help: ArgumentHelp("""
        Spin a run of this shared store (a profile of spindle.toml, e.g. prod): its run's records are copied into the \
        local store, its blobs fetched when read (and cached), and the spin written locally, never to the shared store.
        """, valueName: "store"))
    var from: String?
    @Option(help: ArgumentHelp("Where the step runs: local (here) or slurm (a Slurm job, for a step that needs the cluster's resources).",
                               valueName: "local|slurm"))
    var executor: ExecutorChoice?
    @Option(help: "An earlier task of this step whose inputs to reuse (run/step/task).") var task: String?
    @Option(help: ArgumentHelp("Which split, outermost foreach first: 2, or 2.1 for split 1 inside split 2 (default 0; a branch's arm is named by its step).",
                               valueName: "N[.N…]"))
    var index: SplitAddress = .first
    @Flag(help: "Spin every split.") var allSplits = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Replace an input: name=value (a literal or JSON).", valueName: "name=value"))
    var sets: [String] = []
    @Option(name: .customLong("set-file"), help: ArgumentHelp("Replace an input with a JSON file's value.", valueName: "name=FILE"))
    var setFiles: [String] = []
    @Flag(help: "Keep the step's retry and catch.") var withDecorators = false
    @Flag(help: "Turn the step's timeout off (for slow debugging by hand).") var noTimeout = false
    @Option(help: "Take this earlier spin's outputs as the parent they replace (e.g. spin-3).") var after: String?
    @Option(help: "Absolute tolerance for numbers in the diff.") var atol: Double = 0
    @Option(help: "Relative tolerance for numbers in the diff.") var rtol: Double = 0
    @Flag(help: "Print the outcome as JSON.") var json = false
    @Flag(help: "Exit with status 3 when the outputs changed.") var failOnDiff = false
    @Flag(help: "Do not rebuild the flow when its sources changed.") var noRebuild = false
    @Flag(help: "Do not echo the step's output.") var quiet = false
    @Option(help: "How many splits run at once with --all-splits.") var maxWorkers: Int?
    @Flag(help: "Run the task under a debugger, stopped at the first line of the step's body with its inputs loaded (no timeout).")
    var debug = false
    @Option(help: ArgumentHelp("The debugger for --debug: lldb, gdb, or wait (the task waits for an editor's debugger to attach). Default: lldb where it starts, else gdb.",
                               valueName: "gdb|lldb|wait"))
    var debugger: String?
    @Option(help: ArgumentHelp("With --debug: run these debugger commands after the stop, then end (batch).", valueName: "FILE"))
    var debuggerCommands: String?
    @Option(help: .hidden) var overridesFile: String?
    @Option(help: .hidden) var report: String?
    @OptionGroup var storeOptions: StoreOptions

    /// The parsed options as plain values.
    var invocation: SpinInvocation {
        get throws {
            var s = SpinInvocation(step: step)
            (s.at, s.sourceRun, s.from, s.task, s.index, s.allSplits) = (at, sourceRun, from, task, index, allSplits)
            s.executor = executor?.rawValue
            (s.sets, s.setFiles, s.withDecorators, s.noTimeout, s.after) = (sets, setFiles, withDecorators, noTimeout, after)
            (s.atol, s.rtol, s.json, s.failOnDiff, s.noRebuild, s.quiet) = (atol, rtol, json, failOnDiff, noRebuild, quiet)
            (s.maxWorkers, s.overridesFile, s.report, s.store) = (maxWorkers, overridesFile, report, try storeOptions.named())
            (s.debug, s.debugger, s.debuggerCommands) = (debug || debugger != nil || debuggerCommands != nil, debugger, debuggerCommands)
            return s
        }
    }

    func run() throws { try invocation.run() }
}
