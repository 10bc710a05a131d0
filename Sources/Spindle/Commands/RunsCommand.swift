import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the flow's runs, newest first.")
    @Flag(help: "List spins instead of production runs.")
    var spins = false
    @Option(help: "Only runs with this status (running, completed, failed, cancelled).")
    var status: RunStatus?
    @Option(help: "Only runs with this tag.")
    var tag: String?
    @Option(help: "At most this many runs.")
    var limit: Int?
    @Flag(help: "Print JSON.")
    var json = false
    @Flag(help: "Also list shared stores' runs copied into this store (prod:42), after its own.")
    var mirrors = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        let store = try storeOptions.open(creating: false)
        var runs = try store.runs(flow: Spindle.graph.flow.name, spins: spins, status: status, tag: tag, limit: limit)
        // Shared stores' runs mirrored here (prod:42) come after the store's own.
        if mirrors { runs += try store.mirrors(flow: Spindle.graph.flow.name).filter { status == nil || $0.status == status } }
        print(json ? Value.array(runs.map(Browse.runJSON)).jsonText(pretty: true) : Browse.runsText(runs, showFlow: false))
    }
}

extension RunStatus: ExpressibleByArgument {}
