import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct RunsTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List runs, newest first.")
    @Argument(help: "Only this flow's runs.") var flow: String?
    @Flag(help: "List spins instead of production runs.") var spins = false
    @Option(help: "Only runs with this status (running, completed, failed, cancelled).") var status: RunStatus?
    @Option(help: "Only runs with this tag.") var tag: String?
    @Option(help: "At most this many runs.") var limit: Int?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Also list shared stores' runs copied into this store (prod:42), after its own.")
    var mirrors = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        if let flow, !Pathspec.isIdentifier(flow) { throw ValidationError("'\(flow)' is not a flow name") }
        let store = try storeOptions.open(creating: false)
        if let flow, !(try store.flows().contains(flow)) {
            throw StoreError.noSuch("flow '\(flow)' in this store", suggestion: Store.nearest(flow, in: try store.flows()))
        }
        var runs = try store.runs(flow: flow, spins: spins, status: status, tag: tag, limit: limit)
        // Shared stores' runs mirrored here (prod:42) come after the store's own.
        if mirrors { runs += try store.mirrors(flow: flow).filter { status == nil || $0.status == status } }
        print(json ? Value.array(runs.map(Browse.runJSON)).jsonText(pretty: true) : Browse.runsText(runs, showFlow: flow == nil))
    }
}
