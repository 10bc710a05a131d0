import Spindle

/// The smallest useful flow: linear, one parameter, a few artifacts.
let flow = Flow("HelloFlow") {
    Parameter("name", default: "world", help: "who to greet")
    Parameter("times", default: 3, help: "how many greetings")

    Step("start", next: .to("shout")) { task in
        let name: String = try task.parameter("name")
        task["greeting"] = "hello, \(name)"
        task["times"] = try task.parameter("times", as: Int.self)
        print("greeting \(name)")
    }
    Step("shout", next: .to("end")) { task in
        let greeting: String = try task.artifact("greeting")
        let times: Int = try task.artifact("times")
        task["lines"] = Array(repeating: greeting.uppercased() + "!", count: times)
        task["lengths"] = Array(repeating: greeting.count + 1, count: times)
    }
    Step("end") { task in
        let lines: [String] = try task.artifact("lines")
        for line in lines { print(line) }
    }
}

Spindle.main(flow)
