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
        print(try Browse.logs(try PathspecScope.qualify(pathspec), store: try storeOptions.open(creating: false), json: json))
    }
}
