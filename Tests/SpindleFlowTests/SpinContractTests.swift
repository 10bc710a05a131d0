import Foundation
import Testing
@testable import SpindleFlow
import SpindleStore
import SpindleValue
import OrderedCollections

/// The hand-off between processes: overrides in one encoding, the report as JSON.
@Suite("Spin's contract between processes")
struct SpinContractTests {
    @Test("overrides round-trip through their one encoding, names and inputs[N].name alike")
    func overrides() throws {
        var o = SpinOverrides()
        o.all["rate"] = 0.05
        o.byInput[1, default: [:]]["rmse"] = .double(.nan)
        #expect(o.value.keys == ["rate", "inputs[1].rmse"])
        #expect(o.forInput(0) == ["rate": 0.05])
        #expect(o.forInput(1).keys.sorted() == ["rate", "rmse"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spin-\(UUID().uuidString).spnv").path
        try o.write(to: path)
        let back = try SpinOverrides.read(from: path)
        #expect(back.all == o.all)
        #expect(back.byInput[1]?["rmse"]?.doubleValue?.isNaN == true)
    }

    @Test("a key that is no name is refused with what is wrong", arguments: ["in put", "inputs[x].a", "inputs[1]", "inputs[-1].a", "inputs[0].1a"])
    func badKeys(key: String) {
        let error = #expect(throws: SpinOverrides.BadKey.self) { try SpinOverrides(value: .object([key: 1])) }
        #expect(error?.description == "'\(key)' is not an input or parameter name, nor inputs[N].name")
    }

    @Test("a spin's report is written and read back as the same value, NaN included")
    func report() async throws {
        let (store, graph, _) = try await scoresStore()
        let engine = SpinEngine(graph: graph, store: store, executor: InProcessExecutor(graph: graph))
        let outcome = try await engine.spin(SpinRequest(step: "score", index: 1, overrides: ["input": Value.array([.double(10), .double(.nan)])]))
        let report = SpinReport(outcome, shape: graph.shape)
        #expect(report.tasks.first?.place == "[score 1 of 3]")
        #expect(report.overrides.keys == ["input"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json").path
        try report.write(to: path)
        let back = try SpinReport.read(from: path)
        #expect(back.spin == report.spin)
        #expect(back.firstTask == outcome.tasks[0].task.pathspec)
        #expect(back.firstOriginal == outcome.tasks[0].original)
        #expect(back.changed == true)
        #expect(try back.json() == report.json())
    }
}
