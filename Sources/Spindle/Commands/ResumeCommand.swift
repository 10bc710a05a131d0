import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct ResumeCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "resume",
            abstract: "Start a new run that clones the successful tasks of an earlier one and runs the rest.",
            usage: "resume [STEP] [--origin RUN] [--max-workers N] [--tag T] [--store PATH] [--PARAM value ...]",
            discussion: "Without STEP, re-runs what failed or never ran; with STEP, re-runs that step and everything after it. A task is re-run, not cloned, when its parents' outputs changed or a parameter it read changed (each task records the parameters it read); resume says why for each step it re-runs. What else a step may read (files, the environment, the clock, its own code) resume cannot compare: re-run such a step with resume STEP.\n\n" + parametersHelp())
    }

    @Option(name: .long, help: "The run to resume (default: the latest failed, cancelled or unfinished run).")
    var origin: String?
    @OptionGroup var tuning: RunTuning
    @Argument(parsing: .allUnrecognized, help: "[STEP] to re-run from, then changed parameters as --name value.")
    var arguments: [String] = []

    func run() throws {
        let graph = Spindle.graph
        var rest = arguments
        var step: String?
        if let first = rest.first, !first.hasPrefix("-") {
            step = first
            rest.removeFirst()
        }
        let params = try parseParameters(rest, graph: graph)
        let store = try tuning.storeOptions.open(creating: false)
        let originID: RunID
        if let origin {
            guard let id = RunID(origin), !id.isSpin else { throw ValidationError("--origin '\(origin)' is not a run id") }
            originID = id
        } else {
            let unfinished = try store.runs(flow: graph.flow.name).first { $0.status == .failed || $0.status == .cancelled || $0.isAbandoned }
            guard let u = unfinished else {
                throw ValidationError("no failed, cancelled or unfinished run of \(graph.flow.name) to resume; name one with --origin")
            }
            originID = u.id
        }
        try tuning.execute(graph, store: store, parameters: params, resume: .init(origin: originID, fromStep: step))
    }
}
