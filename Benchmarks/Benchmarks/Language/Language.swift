import Benchmark
import Foundation
import SpindleLanguage
import SpindleValue

/// The shell language on large arrays: `describe` of 10 million elements
/// (target ≤ 50 ms) and an element-wise filter.
nonisolated(unsafe) let benchmarks = {
    var g = SystemRandomNumberGenerator()
    let x = Value.numeric(NumericArray((0..<10_000_000).map { _ in Double.random(in: -3...3, using: &g) }))
    let env = Variables(["x": x])
    let describe = try! Parser.expression("describe(x)")
    let filter = try! Parser.expression("mean(x[x > 0])")

    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                           maxDuration: .seconds(10), maxIterations: 20)

    Benchmark("describe 10M [Double]") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Evaluator(environment: env).evaluate(describe)) }
    }
    Benchmark("mean(x[x > 0]) 10M") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Evaluator(environment: env).evaluate(filter)) }
    }
}
