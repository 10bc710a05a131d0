import Benchmark
import Foundation
import SpindleStore

/// Naming a 100 MB blob: one SHA-256 stream (how blobs under 8 MiB are
/// named), against the chunk tree that large blobs are named by, hashed on
/// all cores (`BlobName`). The figures behind docs/performance.md's
/// "A 100 MB artifact".
nonisolated(unsafe) let benchmarks = {
    let bytes = 100_000_000
    var g = SystemRandomNumberGenerator()
    let data = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) }

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .milliseconds,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    Benchmark("SHA-256 of 100 MB, one stream") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hex(data))
        }
    }

    Benchmark("blob name of 100 MB, chunk tree on all cores") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(data.withUnsafeBytes { BlobName.of([$0]) })
        }
    }
}
