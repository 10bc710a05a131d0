import Spindle

/// Three trivial steps in a line: the cost of running a flow, nearly all orchestration.
let flow = Flow("BenchLinear") {
    Step("start", next: .to("middle")) { task in task["x"] = 1 }
    Step("middle", next: .to("end")) { task in task["y"] = try task.artifact("x", as: Int.self) + 1 }
    Step("end") { _ in }
}
Spindle.main(flow)
