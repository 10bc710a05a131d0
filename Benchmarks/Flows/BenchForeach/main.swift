import Spindle

/// A 50-way foreach of trivial steps (53 tasks): orchestration overhead per task.
let flow = Flow("BenchForeach") {
    Parameter("width", default: 50)
    Step("start", next: .foreach("items", then: "work")) { task in
        task["items"] = Array(0..<(try task.parameter("width", as: Int.self)))
    }
    Step("work", next: .to("join")) { task in task["square"] = try task.input(as: Int.self) * 2 }
    Join("join", next: .to("end")) { task in
        task["total"] = try task.inputs.map { try $0.artifact("square", as: Int.self) }.reduce(0, +)
    }
    Step("end") { _ in }
}
Spindle.main(flow)
