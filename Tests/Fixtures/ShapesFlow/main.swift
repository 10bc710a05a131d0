import Spindle

// A flow for the test suite with every shape spin must address: a branch
// whose first arm nests a foreach of regions × shops, a second arm of one
// task, joins that merge their inputs, and parameters that only later steps
// read. Not a sample: it exists to be spun and resumed in the tests.

let flow = Flow("ShapesFlow") {
    Parameter("k", default: 1, help: "a multiplier that only 'mid' and 'end' read")
    Parameter("label", default: "x", help: "a parameter no step reads")

    Step("start", next: .branch("a", "b")) { task in
        task["common"] = "same everywhere"
    }
    Step("a", next: .foreach("regions", then: "region")) { task in
        task["regions"] = ["north", "south", "west"]
    }
    Step("region", next: .foreach("shops", then: "shop")) { task in
        let region: String = try task.input()
        task["region"] = region
        task["shops"] = [1, 2]
    }
    Step("shop", next: .to("shops_done")) { task in
        let shop: Int = try task.input()
        let region: String = try task.artifact("region")
        task["sales"] = shop * 100 + region.count
    }
    Join("shops_done", next: .to("regions_done")) { task in
        try task.mergeArtifacts(except: ["sales"])
        task["region_sales"] = try task.inputs.map { try $0.artifact("sales", as: Int.self) }.reduce(0, +)
    }
    Join("regions_done", next: .to("both")) { task in
        try task.mergeArtifacts(except: ["region", "region_sales", "shops"])
        task["grand"] = try task.inputs.map { try $0.artifact("region_sales", as: Int.self) }.reduce(0, +)
    }
    Step("b", next: .to("both")) { task in
        task["side"] = "b"
    }
    Join("both", next: .to("mid")) { task in
        try task.mergeArtifacts(except: ["side"])
        let common: String = try task.artifact("common")
        task["echo"] = common
        task["grand"] = try task.inputs.first { $0.step == "regions_done" }!.artifact("grand", as: Int.self)
    }
    Step("mid", next: .to("end")) { task in
        let k: Int = try task.parameter("k")
        let grand: Int = try task.artifact("grand")
        task["scaled"] = grand * k
    }
    Step("end") { task in
        let k: Int = try task.parameter("k")
        let scaled: Int = try task.artifact("scaled")
        task["final"] = scaled + k
    }
}

Spindle.main(flow)
