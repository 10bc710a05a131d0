import Foundation
import Testing
import SpindleCards

/// The flow graph: a box per step, the task's own step marked, layers by
/// longest path, and no failure on graphs a flow would never have.
@Suite("Graph SVG")
struct GraphSVGTests {
    /// Each box's step name (from its tooltip), whether it is the current
    /// one, and the x and y of its box.
    static func boxes(_ svg: String) -> [(name: String, current: Bool, x: Double, y: Double)] {
        svg.components(separatedBy: "<g class=\"node").dropFirst().map { chunk in
            let name = chunk.components(separatedBy: "<title>")[1].components(separatedBy: " — ")[0]
            let box = ScannedHTML(chunk).tags.first { $0.name == "rect" && $0.attribute("rx") == "7" }!
            return (name, chunk.hasPrefix(" current"), Double(box.attribute("x")!)!, Double(box.attribute("y")!)!)
        }
    }

    static let sixSteps = CardGraph(
        nodes: [
            .init("start", state: "completed"), .init("load", state: "completed"),
            .init("train", state: "running", isCurrent: true), .init("evaluate", state: "failed"),
            .init("report", state: "not run"), .init("end", state: "pending"),
        ],
        edges: [.init("start", "load"), .init("load", "train"), .init("load", "evaluate"), .init("train", "report"),
                .init("evaluate", "report"), .init("report", "end"), .init("start", "report")])

    @Test("one box per step, the current one marked")
    func boxesAndCurrent() {
        let svg = GraphSVG.svg(Self.sixSteps)
        let boxes = Self.boxes(svg)
        #expect(boxes.map(\.name) == ["start", "load", "train", "evaluate", "report", "end"])
        #expect(boxes.filter(\.current).map(\.name) == ["train"])
        #expect(occurrences(of: "<g class=\"node current\"", in: svg) == 1)
        #expect(svg.contains("<title>train — running (this task)</title>"))
        #expect(svg.contains("data-state=\"failed\""))
        #expect(svg.contains("stroke-dasharray"))  // not run
        // An arrow per edge.
        #expect(occurrences(of: "stroke-opacity=\"0.55\"", in: svg) == 7)
    }

    @Test("layers follow the longest path from the start")
    func layers() {
        let boxes = Dictionary(uniqueKeysWithValues: Self.boxes(GraphSVG.svg(Self.sixSteps)).map { ($0.name, $0) })
        let order = ["start", "load", "train", "report", "end"]
        for (a, b) in zip(order, order.dropFirst()) {
            #expect(boxes[a]!.x < boxes[b]!.x, "\(a) before \(b)")
        }
        // Siblings share a layer; "report" waits for both, despite the
        // edge straight from "start".
        #expect(boxes["train"]!.x == boxes["evaluate"]!.x)
        #expect(boxes["train"]!.y != boxes["evaluate"]!.y)
    }

    @Test("a long chain is drawn top to bottom")
    func chain() {
        let names = (0..<10).map { "step\($0)" }
        let graph = CardGraph(nodes: names.map { .init($0, state: "completed") },
                              edges: zip(names, names.dropFirst()).map { .init($0, $1) })
        let boxes = Self.boxes(GraphSVG.svg(graph))
        #expect(Set(boxes.map(\.x)).count == 1)
        #expect(zip(boxes, boxes.dropFirst()).allSatisfy { $0.y < $1.y })
    }

    @Test("cycles, self-loops, unknown names and duplicates are drawn without failing")
    func oddGraphs() {
        let graph = CardGraph(nodes: [.init("a", state: "completed"), .init("b", state: "weird"), .init("a", state: "pending")],
                              edges: [.init("a", "b"), .init("b", "a"), .init("a", "a"), .init("a", "ghost"), .init("a", "b")])
        let svg = GraphSVG.svg(graph)
        #expect(Self.boxes(svg).count == 3)
        #expect(occurrences(of: "stroke-opacity=\"0.55\"", in: svg) == 2)  // a→b and b→a
        #expect(svg.contains(">weird</text>"))
        #expect(GraphSVG.svg(CardGraph(nodes: [], edges: [])).contains(">No steps</text>"))
    }

    @Test("the same graph gives the same bytes")
    func deterministic() {
        #expect(GraphSVG.svg(Self.sixSteps) == GraphSVG.svg(Self.sixSteps))
    }
}
