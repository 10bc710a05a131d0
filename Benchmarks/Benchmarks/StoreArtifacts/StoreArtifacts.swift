import Benchmark
import Foundation
import SpindleStore
import SpindleValue

/// Saving and loading a 100 MB `[Double]` artifact through the store, in one
/// process, against the raw anchor: one `write(2)` of the same bytes to a new
/// file, one `read(2)` of them into a new buffer. Each save stores new
/// content (one element changes), since bytes already stored are not written
/// again. The in-process counterpart of Benchmarks/compare-metaflow's save100 and
/// load100, without the noise of subtracting two whole runs.
nonisolated(unsafe) let benchmarks = {
    let count = 12_500_000
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var values = (0..<count).map { _ -> Double in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) * 0x1p-53
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-bench-artifacts-\(getpid())")
    let store = try! Store.open(at: dir.appendingPathComponent(".spindle"))
    let task = Pathspec(flow: "BenchArray", run: .number(1), step: "start", task: 1)
    let rawPath = dir.appendingPathComponent("raw.bin").path
    var serial = 0.0

    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds,
                                           maxDuration: .seconds(10), maxIterations: 25)

    Benchmark("raw write of 100 MB to a new file (the anchor)") { benchmark in
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let fd = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            values.withUnsafeBytes { b in
                var off = 0
                while off < b.count { off += write(fd, b.baseAddress! + off, b.count - off) }
            }
            close(fd)
            benchmark.stopMeasurement()
            unlink(rawPath)
        }
    }

    Benchmark("raw read of 100 MB into a new buffer (the anchor)") { benchmark in
        let fd = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        values.withUnsafeBytes { b in
            var off = 0
            while off < b.count { off += write(fd, b.baseAddress! + off, b.count - off) }
        }
        close(fd)
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let fd = open(rawPath, O_RDONLY)
            let copy = [Double](unsafeUninitializedCapacity: count) { buf, n in
                let raw = UnsafeMutableRawBufferPointer(buf)
                var off = 0
                while off < raw.count { off += read(fd, raw.baseAddress! + off, raw.count - off) }
                n = count
            }
            close(fd)
            benchmark.stopMeasurement()
            blackHole(copy)
        }
        unlink(rawPath)
    }

    Benchmark("save a 100 MB [Double] artifact, new content each time") { benchmark in
        for _ in benchmark.scaledIterations {
            serial += 1
            values[0] = serial
            let value = Value.numeric(NumericArray(values))
            benchmark.startMeasurement()
            let record = try store.saveArtifact("x", value, task: task)
            benchmark.stopMeasurement()
            try store.blobs.remove(record.hash)
        }
    }

    // Peak memory above the benchmark's start: the loaded array, and whatever the load needed besides (target ≤ 1.3× of 100 MB).
    Benchmark("load a 100 MB [Double] artifact",
              configuration: .init(metrics: [.wallClock, .peakMemoryResidentDelta], timeUnits: .milliseconds,
                                   maxDuration: .seconds(10), maxIterations: 25)) { benchmark in
        let record = try store.saveArtifact("x", .numeric(NumericArray(values)), task: task)
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let value = try store.load(record)
            benchmark.stopMeasurement()
            blackHole(value)
        }
    }
}
