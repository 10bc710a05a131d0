import Benchmark
import Foundation
import SpindleStore
import SpindleValue

/// Listing 10 000 runs of a store (target: ≤ 50 ms), from metadata only.
nonisolated(unsafe) let benchmarks = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-bench-list-\(getpid())")
    let store = try! Store.open(at: dir.appendingPathComponent(".spindle"))
    for i in 0..<10_000 {
        let r = try! store.createRun(.init(flow: i % 2 == 0 ? "RatingsFlow" : "HelloFlow",
                                           parameters: ["epochs": .int(Int64(i % 30)), "rate": 0.01], tags: i % 10 == 0 ? ["nightly"] : []))
        try! store.finishRun(flow: r.flow, id: r.id, status: i % 7 == 0 ? .failed : .completed)
    }

    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                           maxDuration: .seconds(5), maxIterations: 50)

    Benchmark("list 10 000 runs") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try store.runs()) }
    }
    Benchmark("list 5 000 runs of one flow") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try store.runs(flow: "RatingsFlow")) }
    }
    Benchmark("latest successful run") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try store.run(flow: "RatingsFlow", id: .latest)) }
    }
}
