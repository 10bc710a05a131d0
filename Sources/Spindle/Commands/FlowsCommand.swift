import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct FlowsTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flows", abstract: "List the flows that have runs.")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let flows = try storeOptions.open(creating: false).flows()
        print(json ? Value.array(flows.map { .string($0) }).jsonText(pretty: true) : flows.isEmpty ? "no flows" : flows.joined(separator: "\n"))
    }
}
