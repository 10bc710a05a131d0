import Foundation
import Spindle
import OrderedCollections

// A flow for the test suite whose artifacts are every kind of Value, for the
// Python client's tests (python/tests): each is read by the second, independent
// reader of the artifact format and compared with what the Swift side exports.

struct Shop: Codable, Sendable {
    var name: String
    var sales: [Double]
    var open: Bool
    var manager: String?
}

let flow = Flow("ValuesFlow") {
    Parameter("size", default: 3, help: "the length of the small arrays")
    Parameter("big", default: 1_200_000, help: "the length of the large array (9.6 MB: named by its chunk tree)")

    Step("start", next: .to("end")) { task in
        let n: Int = try task.parameter("size")
        task["nothing"] = Value.null
        task["yes"] = true
        task["count"] = 42
        task["negative"] = Int64.min
        task["ratio"] = 0.1
        task["specials"] = Value.array([.double(.nan), .double(.infinity), .double(-.infinity), .double(-0.0)])
        task["text"] = "héllo \"wörld\"\n\t😀"
        task["blob"] = Data([0, 1, 2, 254, 255])
        task["mixed"] = Value.array([.int(1), .string("two"), .null, .array([.bool(false)])])
        task["shops"] = [Shop(name: "north", sales: [1.5, 2.5], open: true, manager: nil),
                         Shop(name: "south", sales: [], open: false, manager: "Ana")]
        task["doubles"] = (0..<n).map { Double($0) / 4 }
        task["floats"] = (0..<n).map { Float($0) + 0.1 }
        task["ints"] = (0..<n).map { $0 * 1_000_000_007 }
        task["int32s"] = (0..<n).map { Int32(-$0) }
        task["bytes8"] = (0..<n).map { UInt8($0 * 100 % 256) }
        task["flags"] = (0..<n).map { $0 % 2 == 0 }
        task["empty"] = [Double]()
        task["matrix"] = Value.numeric(try NumericArray(storage: .float64([1, 2, 3, 4, 5, 6]), shape: [2, 3]))
        task["large"] = (0..<(try task.parameter("big", as: Int.self))).map { Double($0) * 0.5 }
        task["nested"] = Value.object(["a": .object(["b": .object(["c": .array([.int(1), .double(2.5)])])])])
    }
    Step("end") { task in
        let large: [Double] = try task.artifact("large")
        task["large_sum"] = large.reduce(0, +)
    }
}

Spindle.main(flow)
