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
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        let store = try storeOptions.open(creating: false)
        let runs = try store.runs(flow: Spindle.graph.flow.name, spins: spins, status: status, tag: tag, limit: limit)
        print(json ? Value.array(runs.map(Browse.runJSON)).jsonText(pretty: true) : Browse.runsText(runs, showFlow: false))
    }
}

extension RunStatus: ExpressibleByArgument {}
