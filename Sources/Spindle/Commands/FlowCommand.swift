import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue
import Synchronization

struct FlowCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Spindle.current.withLock { $0?.flow.name } ?? "flow",
            abstract: "A Spindle flow: run it, resume it, browse its runs.",
            subcommands: [RunCommand.self, ResumeCommand.self, SpinCommand.self, WatchCommand.self, DiffCommand.self, ShellCommand.self, GraphCommand.self, ArgoCommand.self,
                          RunsCommand.self, ShowCommand.self, LogsCommand.self, ExportCommand.self, CardCommand.self])
    }
}
