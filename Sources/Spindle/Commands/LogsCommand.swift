import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore

/// `logs`: what a task printed, each attempt's stdout and stderr.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a task's captured output.")
    @Argument(help: ArgumentHelp("The task: \(PathspecScope.taskForm), e.g. 3/train/4.")) var pathspec: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let spec = try PathspecScope.qualify(pathspec)
        print(try Browse.logs(spec, store: try storeOptions.open(reading: [spec]), json: json))
    }
}
