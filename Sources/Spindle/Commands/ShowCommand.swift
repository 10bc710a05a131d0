import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore

/// `show`: a flow's runs, a run's tasks, a task's artifacts, an artifact's value.
struct ShowCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        PathspecScope.flow == nil
            ? CommandConfiguration(commandName: "show", abstract: "Show a flow, run, step, task or artifact.",
                                   discussion: "PATHSPEC is Flow[/run[/step[/task[/artifact]]]], e.g. RatingsFlow/latest/train/2/model.")
            : CommandConfiguration(commandName: "show", abstract: "Show a run, a step, a task or an artifact.",
                                   discussion: "PATHSPEC is run[/step[/task[/artifact]]] (the flow's name may lead): 3, 3/train, 3/train/4, 3/train/4/model, latest/end/9.")
    }
    @Argument(help: "What to show (in a flow binary, default: latest).") var pathspec: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        guard let text = pathspec ?? (PathspecScope.flow == nil ? nil : "latest") else {
            throw ValidationError("show what? give a pathspec: Flow[/run[/step[/task[/artifact]]]]")
        }
        let spec = try PathspecScope.qualify(text)
        print(try Browse.show(spec, store: try storeOptions.open(reading: [spec]), json: json))
    }
}
