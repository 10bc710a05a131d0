import ArgumentParser
import Foundation
import SpindleShell
import SpindleStore

/// `shell`: the interactive shell on a run (docs/shell.md).
struct ShellCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        let how = "On a terminal: line editing, history (.spindle/history), Tab completion. Otherwise lines are read from standard input without prompts, and the first failing line ends it with status 1 (unless --keep-going)."
        return PathspecScope.flow == nil
            ? CommandConfiguration(commandName: "shell", abstract: "Open the shell on a store: load a run, focus a step, change its inputs, spin and diff.",
                                   discussion: "PATHSPEC is Flow[/run[/step[/task]]]; without it the most recent completed run of the store's flows is loaded. " + how)
            : CommandConfiguration(commandName: "shell", abstract: "Open the shell on a run: its artifacts become variables you can inspect, change, spin and diff.",
                                   discussion: how)
    }
    @Argument(help: "The run to load (default: the latest completed run), or run/step[/task] to focus a step; in spindle, Flow/run….")
    var target: String?
    @Flag(help: "With input that is not a terminal, go on after a failing line.") var keepGoing = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        // A shared store's run is mirrored into the local store, made when there is none yet.
        let remote = target.map { ShellSession.storePrefix($0) != nil || $0.contains(":") } ?? false
        let store = try storeOptions.open(creating: remote)
        var load = target
        if let flow = PathspecScope.flow, !(target.map { ShellSession.storePrefix($0) != nil } ?? false) {
            load = target.map { $0.hasPrefix(flow + "/") ? $0 : "\(flow)/\($0)" } ?? "\(flow)/latest"
        }
        throw ExitCode(Shell.run(store: store, load: load, keepGoing: keepGoing))
    }
}
