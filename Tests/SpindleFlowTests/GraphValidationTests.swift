import Testing
@testable import SpindleFlow
import SpindleValue

func s(_ name: String, _ next: Transition = .end, line: Int = 1) -> Step { Step(name, next: next, line: line) { _ in } }
func j(_ name: String, _ next: Transition = .end) -> Step { Join(name, next: next, line: 1) { _ in } }
func flow(_ steps: [Step], parameters: [Parameter] = [], name: String = "F") -> Flow {
    Flow(name) {
        parameters.map { $0 as any FlowComponent }
        steps.map { $0 as any FlowComponent }
    }
}

@Suite("Graph validation")
struct GraphValidationTests {
    static let cases: [(String, Flow, String)] = [
        ("no start", flow([s("a", .to("end")), s("end")]),
         "the flow has no step 'start': every flow begins there"),
        ("no end", flow([s("start", .to("a")), s("a", .to("start"))]),
         "the flow has no step 'end': every flow finishes there"),
        ("end goes on", flow([s("start", .to("end")), s("end", .to("start"))]),
         "step 'end' has a next step; 'end' finishes the flow"),
        ("no next", flow([s("start", line: 4), s("end")]),
         "step 'start' (line 4) has no next step; only 'end' may finish the flow (add next: .to(...))"),
        ("unknown target", flow([s("start", .to("trian")), s("train", .to("end")), s("end")]),
         "step 'start' goes to 'trian', which is not a step of this flow (did you mean 'train'?)"),
        ("back to start", flow([s("start", .to("a")), s("a", .to("start")), s("end")]),
         "step 'a' goes to 'start'; nothing may go back to start"),
        ("unreachable", flow([s("start", .to("end")), s("orphan", .to("end"), line: 7), s("end")]),
         "step 'orphan' (line 7) is unreachable from start"),
        ("cycle", flow([s("start", .to("a")), s("a", .to("b")), s("b", .to("a")), s("end")]),
         "the graph has a cycle through step 'a'"),
        ("duplicate", flow([s("start", .to("end"), line: 3), s("start", .to("end"), line: 5), s("end")]),
         "step 'start' is defined more than once (lines 3, 5)"),
        ("bad name", flow([s("start", .to("2fast")), s("2fast", .to("end"), line: 9), s("end")]),
         "step name '2fast' (line 9) is not an identifier (letters, digits and _, not starting with a digit)"),
        ("bad flow name", flow([s("start", .to("end")), s("end")], name: "my flow"),
         "flow name 'my flow' is not an identifier (letters, digits and _, not starting with a digit)"),
        ("narrow branch", flow([s("start", .branch("a")), s("a", .to("end")), s("end")]),
         "step 'start' branches to fewer than two steps; use .to(...) for one"),
        ("two parents, no join", flow([s("start", .branch("a", "b")), s("a", .to("c")), s("b", .to("c")), s("c", .to("end")), s("end")]),
         "step 'c' has several parents (a, b) but is not a join; declare it with Join(\"c\", ...)"),
        ("join closes nothing", flow([s("start", .to("j")), j("j", .to("end")), s("end")]),
         "join 'j' closes nothing: its parent 'start' is not inside a branch or foreach"),
        ("foreach never joined", flow([s("start", .foreach("xs", then: "a")), s("a", .to("end")), s("end")]),
         "the foreach at 'start' is never joined before 'end'; add a Join after its steps"),
        ("foreach straight into join", flow([s("start", .foreach("xs", then: "j")), j("j", .to("end")), s("end")]),
         "step 'start' loops straight into a join; a foreach needs a step to run for each element"),
        ("foreach over a bad name", flow([s("start", .foreach("x s", then: "a")), s("a", .to("j")), j("j", .to("end")), s("end")]),
         "step 'start' loops over 'x s', which is not an artifact name (an identifier)"),
        ("reserved parameter", flow([s("start", .to("end")), s("end")], parameters: [Parameter("store", default: 1)]),
         "parameter name 'store' is reserved for the command line; choose another"),
        ("duplicate parameter", flow([s("start", .to("end")), s("end")], parameters: [Parameter("n", default: 1), Parameter("n", default: 2)]),
         "parameter 'n' is defined more than once"),
    ]

    @Test("each mistake gets a message saying what and where", arguments: cases)
    func invalid(name: String, flow: Flow, message: String) {
        let error = #expect(throws: GraphError.self, "\(name)") { try FlowGraph(flow) }
        #expect(error?.description == message, "\(name)")
    }

    @Test("a branch and a nested foreach validate, with their split stacks")
    func valid() throws {
        let g = try FlowGraph(flow([
            s("start", .branch("a", "b")), s("a", .to("ab")), s("b", .to("ab")), j("ab", .to("outer")),
            s("outer", .foreach("xs", then: "inner")), s("inner", .foreach("ys", then: "leaf")),
            s("leaf", .to("ij")), j("ij", .to("oj")), j("oj", .to("end")), s("end"),
        ]))
        #expect(g.splitStack["a"] == ["start"])
        #expect(g.splitStack["ab"] == [])
        #expect(g.splitStack["leaf"] == ["outer", "inner"])
        #expect(g.splitStack["ij"] == ["outer"])
        #expect(g.splitStack["end"] == [])
        #expect(g.parents["ab"] == ["a", "b"])
        #expect(g.descendants(of: "inner") == ["inner", "leaf", "ij", "oj", "end"])
    }

    @Test("the graph draws one line a step")
    func drawing() throws {
        let g = try FlowGraph(flow([s("start", .foreach("rates", then: "train")), s("train", .to("pick")),
                                    j("pick", .to("end")), s("end")], parameters: [Parameter("epochs", default: 20, help: "passes")],
                                   name: "RatingsFlow"))
        #expect(g.drawn() == """
            RatingsFlow
              --epochs Int = 20  passes
              start        → foreach rates → train
              train        → pick
              pick (join)  → end
              end
            """)
        #expect(g.dot().contains("start -> train [label=\"foreach rates\", style=dashed];"))
    }

    @Test("parameters parse their type and say what they expected", arguments: [
        (Parameter("n", default: 1), "12", "12"),
        (Parameter("x", default: 1.5), "2", "2.0"),
        (Parameter("b", default: false), "yes", "true"),
        (Parameter("s", default: "a"), "hello", "\"hello\""),
    ])
    func parameters(p: Parameter, text: String, parsed: String) throws {
        #expect(try p.parse(text).summary() == parsed)
    }

    @Test("a bad parameter value is an error naming the parameter")
    func badParameter() {
        let error = #expect(throws: FlowError.self) { try Parameter("epochs", default: 20).parse("lots") }
        #expect(error?.description == "parameter --epochs: 'lots' is not an integer")
    }
}
