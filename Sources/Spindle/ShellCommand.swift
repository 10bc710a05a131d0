import ArgumentParser
import Foundation
import SpindleShell
import SpindleStore

struct FlowShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Open the shell on a run: its artifacts become variables you can inspect, change, spin and diff.",
        discussion: "On a terminal: line editing, history (.spindle/history), Tab completion. Otherwise lines are read from standard input without prompts, and the first failing line ends it with status 1 (unless --keep-going).")
    @Argument(help: "The run to load (default: the latest completed run), or run/step[/task] to focus a step.") var target: String?
    @Flag(help: "With input that is not a terminal, go on after a failing line.") var keepGoing = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let flow = Spindle.graph.flow.name
        let store = try storeOptions.open(creating: false)
        let load = target.map { $0.hasPrefix(flow + "/") ? $0 : "\(flow)/\($0)" } ?? "\(flow)/latest"
        throw ExitCode(Shell.run(store: store, load: load, keepGoing: keepGoing))
    }
}

struct ShellTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Open the shell on a store: load a run, focus a step, change its inputs, spin and diff.",
        discussion: "PATHSPEC is Flow[/run[/step[/task]]]; without it the latest completed run of the store's only flow is loaded.")
    @Argument(help: "What to load.") var pathspec: String?
    @Flag(help: "With input that is not a terminal, go on after a failing line.") var keepGoing = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open(creating: false)
        throw ExitCode(Shell.run(store: store, load: pathspec, keepGoing: keepGoing))
    }
}
