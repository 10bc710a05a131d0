import Testing
@testable import Spindle
import SpindleFlow
import ArgumentParser

/// The hand parser for `run` agrees with ArgumentParser wherever it answers,
/// and leaves everything unusual to it (and its messages).
@Suite("Run's hand parser")
struct RunLineTests {
    static let graph = try! FlowGraph(Flow("LineFlow") {
        Parameter("width", default: 50)
        Parameter("rate", default: 0.1)
        Step("start", next: .to("end")) { _ in }
        Step("end") { _ in }
    })

    @Test("plain command lines parse by hand, exactly as ArgumentParser reads them", arguments: [
        [],
        ["--max-workers", "2"],
        ["--width", "10", "--rate", "0.5"],
        ["--tag", "a", "--tag", "b", "--executor", "local", "--store", "/tmp/s/.spindle"],
        ["--width", "3", "--max-workers", "4", "--tag", "nightly"],
        ["--executor", "slurm"],
    ])
    func agrees(arguments: [String]) throws {
        let fast = try #require(RunLine(parsing: arguments, graph: Self.graph))
        let slow = try RunCommand.parse(arguments)
        #expect(fast.maxWorkers == slow.tuning.maxWorkers)
        #expect(fast.tags == slow.tuning.tag)
        #expect(fast.executor == slow.tuning.executor)
        #expect(fast.store == slow.tuning.storeOptions.store)
        #expect(fast.parameters == slow.parameters)
    }

    @Test("anything unusual is left to ArgumentParser", arguments: [
        ["--bogus", "1"],              // neither an option nor a parameter: its message
        ["--width=10"],                // an attached value
        ["--width"],                   // a missing value
        ["--rate", "-0.5"],            // a value that starts like an option
        ["--max-workers", "two"],      // not a number
        ["--executor", "argo"],        // not an executor
        ["--store", "a", "--store", "b"],
        ["--width", "1", "--width", "2"],
        ["--metadata", "postgres://u@h/d", "--blobs", "s3://b/p"],
        ["-h"],
        ["extra"],
    ])
    func fallsBack(arguments: [String]) {
        #expect(RunLine(parsing: arguments, graph: Self.graph) == nil)
    }
}
