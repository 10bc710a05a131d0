import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// Set by SIGINT while watching.
nonisolated(unsafe) private var watchInterrupted: sig_atomic_t = 0

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Spin a step each time its flow's sources are saved: rebuild, spin, and diff against the previous spin.",
        discussion: "Editor-agnostic: save the file and the step runs. A build error is shown and the watch waits for the next save. Ctrl-C stops.")
    @Argument(help: "The step to spin (or give --at FILE:LINE).") var step: String?
    @Option(help: ArgumentHelp("Watch the step whose body holds this line.", valueName: "FILE:LINE")) var at: String?
    @Option(name: .customLong("run"), help: "The run to take parents from.") var sourceRun: String?
    @Option(help: ArgumentHelp("Which split, outermost foreach first: 2, or 2.1 (default 0).", valueName: "N[.N…]")) var index: SplitAddress = .first
    @Option(name: .customLong("set"), help: ArgumentHelp("Replace an input: name=value.", valueName: "name=value")) var sets: [String] = []
    @Option(name: .customLong("set-file"), help: ArgumentHelp("Replace an input with a JSON file's value.", valueName: "name=FILE")) var setFiles: [String] = []
    @Option(help: "Absolute tolerance for numbers in the diff.") var atol: Double = 0
    @Option(help: "Relative tolerance for numbers in the diff.") var rtol: Double = 0
    @Option(help: "How often to look for saved changes, in milliseconds.") var interval: Int = 300
    @Option(help: .hidden) var maxSpins: Int?
    @OptionGroup var storeOptions: StoreOptions

    func say(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }

    func run() throws {
        let graph = Spindle.graph
        let step = try resolveStep(self.step, at: at, graph: graph)
        guard graph.step(step) != nil else {
            throw ValidationError("the flow has no step '\(step)'" + (Suggestion.hint(Store.nearest(step, in: graph.flow.steps.map(\.name)))))
        }
        guard let build = FlowBuild.locate(binary: currentExecutable(), flowFile: graph.flow.file) else {
            throw ValidationError("watch needs the flow's sources: \(graph.flow.file) is not next to a Package.swift")
        }
        let store = try storeOptions.open(creating: false)
        var spin = SpinInvocation(step: step)
        (spin.index, spin.atol, spin.rtol, spin.noRebuild, spin.store) = (index, atol, rtol, true, store.address)
        (spin.sourceRun, spin.sets, spin.setFiles) = (sourceRun, sets, setFiles)

        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in watchInterrupted = 1 }
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)

        var previous: Pathspec?
        var spins = 0
        func spinOnce() {
            let report = store.root.appendingPathComponent("tmp/watch-\(getpid()).json").path
            try? FileManager.default.createDirectory(atPath: (report as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: report) }
            var once = spin
            once.report = report
            _ = try? runStreaming(build.binary, once.arguments, environment: spinEnvironment,
                                  line: { text, isError in
                                      (isError ? FileHandle.standardError : FileHandle.standardOutput).write(Data((text + "\n").utf8))
                                  },
                                  interrupted: { watchInterrupted != 0 })
            spins += 1
            guard let task = (try? SpinReport.read(from: report))?.firstTask else { return }
            if let previous, let diff = try? store.diffTasks(old: previous, new: task, tolerance: Tolerance(absolute: atol, relative: rtol)) {
                say("against the previous spin (\(previous)):")
                say(diff.isEmpty ? "  outputs unchanged" : diff.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
            previous = task
        }

        var seen = build.newestSource() ?? .distantPast
        if build.isStale(), ProcessInfo.processInfo.environment["SPINDLE_NO_REBUILD"] == nil {
            say("sources changed: rebuilding \(build.product)…")
            do { try build.rebuild() } catch { say("\(error)\nwaiting for the next save") }
        }
        say("watching \(build.packageRoot.path) for \(graph.flow.name) step \(step); Ctrl-C stops")
        spinOnce()
        while watchInterrupted == 0 {
            if let max = maxSpins, spins >= max { break }
            usleep(useconds_t(max(20, interval) * 1000))
            guard let newest = build.newestSource(), newest > seen else { continue }
            seen = newest
            say("saved: rebuilding \(build.product)…")
            do { try build.rebuild() } catch {
                say("\(error)\nthe build failed; waiting for the next save")
                continue
            }
            spinOnce()
        }
        say("stopped watching")
    }
}
