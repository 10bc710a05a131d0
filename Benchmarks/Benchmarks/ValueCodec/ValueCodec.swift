import Benchmark
import Foundation
import SpindleValue

/// Encode and decode of a 100 MB `[Double]` artifact, side by side with a plain
/// memory copy of the same bytes: the codec's target is at least half the
/// copy's throughput both ways (one copy each way, plus a 20-byte header).
nonisolated(unsafe) let benchmarks = {
    let count = 100_000_000 / 8
    var g = SystemRandomNumberGenerator()
    let doubles = (0..<count).map { _ in Double.random(in: -1...1, using: &g) }
    let value = Value.numeric(NumericArray(doubles))
    let encoded = ArtifactCodec.encode(value)
    let bytes = 100_000_000

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    Benchmark("memcpy 100 MB (the anchor)") { benchmark in
        for _ in benchmark.scaledIterations {
            let copy = [UInt8](unsafeUninitializedCapacity: bytes) { buf, n in
                doubles.withUnsafeBytes { src in
                    UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: src.baseAddress!, byteCount: bytes)
                }
                n = bytes
            }
            blackHole(copy)
        }
    }

    Benchmark("encode 100 MB [Double]") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ArtifactCodec.encode(value))
        }
    }

    Benchmark("decode 100 MB [Double]") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ArtifactCodec.decode(encoded))
        }
    }

    Benchmark("summary of 100 MB [Double] (what every save computes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(value.summary(width: 72))
        }
    }

    Benchmark("ValueEncoder [Double] 100 MB (fast path)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ValueEncoder().encode(doubles))
        }
    }

    Benchmark("ValueDecoder [Double] 100 MB (fast path)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ValueDecoder().decode([Double].self, from: value))
        }
    }
}
