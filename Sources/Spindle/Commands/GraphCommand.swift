import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Draw the flow's graph.")
    @Flag(help: "Print Graphviz dot instead.")
    var dot = false
    @Flag(help: "Print the graph as JSON.")
    var json = false

    func run() {
        let g = Spindle.graph
        print(json ? g.descriptionValue.jsonText(pretty: true) : dot ? g.dot() : g.drawn())
    }
}
