import Benchmark
import Foundation
import SpindleStore
import SpindleValue

/// A 100 MB `[Double]` artifact saved to and loaded from a store, against a
/// plain `write(2)` and `read(2)` of the same bytes to a file in the same
/// directory (the physical limit). Target: the store at ≥ 1/2 of the raw
/// throughput each way. Both go to the page cache; neither fsyncs.
nonisolated(unsafe) let benchmarks = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-bench-artifact-\(getpid())")
    let store = try! Store.open(at: dir.appendingPathComponent(".spindle"))
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let doubles = (0..<12_500_000).map { _ -> Double in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) * 0x1p-53
    }
    let value = Value.numeric(NumericArray(doubles))
    let run = try! store.createRun(.init(flow: "Bench", parameters: [:]))
    let task = Pathspec(flow: "Bench", run: run.id, step: "start", task: 1)
    let saved = try! store.saveArtifact("x", value, task: task)
    let rawPath = dir.appendingPathComponent("raw.bin").path

    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                           maxDuration: .seconds(10), maxIterations: 15)

    Benchmark("raw write 100 MB (the anchor)") { benchmark in
        for _ in benchmark.scaledIterations {
            unlink(rawPath)
            let fd = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            doubles.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count { off += max(0, write(fd, raw.baseAddress! + off, raw.count - off)) }
            }
            close(fd)
        }
    }
    Benchmark("raw read 100 MB (the anchor)") { benchmark in
        for _ in benchmark.scaledIterations {
            let fd = open(rawPath, O_RDONLY)
            let back = [Double](unsafeUninitializedCapacity: doubles.count) { buffer, count in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var off = 0
                while off < raw.count { off += max(0, read(fd, raw.baseAddress! + off, raw.count - off)) }
                count = doubles.count
            }
            close(fd)
            blackHole(back)
        }
    }
    Benchmark("store save 100 MB [Double] artifact") { benchmark in
        for _ in benchmark.scaledIterations {
            // Remove the blob first, so each save writes it (the store never writes the same bytes twice).
            try store.blobs.remove(saved.hash)
            blackHole(try store.saveArtifact("x", value, task: task))
        }
    }
    Benchmark("store load 100 MB [Double] artifact") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try store.load(saved)) }
    }
}
