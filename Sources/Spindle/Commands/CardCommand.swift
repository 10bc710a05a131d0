import ArgumentParser
import Foundation
import SpindleCards
import SpindleFlow
import SpindleStore

/// `card list|view|get`: a task's cards, as self-contained HTML pages.
struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "A task's cards: list them, open one in a browser, or write one to a file.",
        discussion: """
        Every task has the card 'default' (made from its records: parameters, artifacts, the graph, timings, \
        its output, its error); a step may make its own with task.card. A card is one HTML file with \
        everything inline: it opens from disk with no network.
        """,
        subcommands: [List.self, View.self, Get.self])

    struct Target: ParsableArguments {
        @Argument(help: ArgumentHelp("The task: \(PathspecScope.taskForm), e.g. latest/train/2.")) var pathspec: String
        @Option(help: "Which card (default: the task's own card if it made one, else 'default').") var name: String?

        /// The task, its store, and the chosen card's name and page.
        func page(_ storeOptions: StoreOptions) throws -> (Pathspec, String, String) {
            var spec = try PathspecScope.qualify(pathspec)
            let store = try storeOptions.open(reading: [spec])
            if spec.run == .latest, let run = try store.latestRun(flow: spec.flow) { spec.run = run.id }
            guard spec.task != nil else { throw ValidationError("'\(pathspec)' names no task: write \(PathspecScope.taskForm)") }
            let cards = try store.cards(of: spec)
            let chosen = name ?? cards.first?.name ?? DefaultCard.name
            if chosen == DefaultCard.name { return (spec, chosen, CardPage.html(try DefaultCard.make(for: spec, store: store))) }
            guard let record = cards.first(where: { $0.name == chosen }) else {
                throw ValidationError("\(spec) has no card '\(chosen)'; its cards: \(([DefaultCard.name] + cards.map(\.name)).joined(separator: ", "))")
            }
            return (spec, chosen, try store.cardHTML(record))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a task's cards.")
        @Argument(help: ArgumentHelp("The task: \(PathspecScope.taskForm).")) var pathspec: String
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            var spec = try PathspecScope.qualify(pathspec)
            let store = try storeOptions.open(reading: [spec])
            if spec.run == .latest, let run = try store.latestRun(flow: spec.flow) { spec.run = run.id }
            print("\(DefaultCard.name)  (made from the task's records)")
            for c in try store.cards(of: spec) {
                print("\(c.name)  \(c.size) bytes, written \(Browse.time(c.updated))\(c.live ? ", live" : "")")
            }
        }
    }

    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a task's card in a web browser ($BROWSER, or xdg-open).")
        @OptionGroup var target: Target
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            let (spec, name, html) = try target.page(storeOptions)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "spindle-card-\(spec.description.replacingOccurrences(of: "/", with: "-"))-\(name).html")
            try Data(html.utf8).write(to: file)
            let env = ProcessInfo.processInfo.environment
            let opener = env["BROWSER"] ?? (env["DISPLAY"] != nil || env["WAYLAND_DISPLAY"] != nil ? "xdg-open" : nil)
            if let opener, let status = try? runStreaming("/usr/bin/env", [opener, file.path], line: { _, _ in }, interrupted: { false }), status.succeeded {
                print("opened \(file.path)")
            } else {
                print("wrote \(file.path): open it in a browser (no browser found here: set BROWSER, or use spindle ui)")
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a task's card to a file (one self-contained HTML page).")
        @OptionGroup var target: Target
        @Option(name: .shortAndLong, help: "The file (default: FLOW-RUN-STEP-TASK-NAME.html here).") var output: String?
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            let (spec, name, html) = try target.page(storeOptions)
            let file = output ?? "\(spec.description.replacingOccurrences(of: "/", with: "-"))-\(name).html"
            do { try Data(html.utf8).write(to: URL(fileURLWithPath: file)) } catch {
                throw ValidationError("cannot write \(file): \(error.localizedDescription)")
            }
            print("wrote \(file) (\(html.utf8.count) bytes)")
        }
    }
}
