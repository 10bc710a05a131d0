import Foundation
import Spindle

/// A 100 MB (or --mb) float64 array: made in `start` (saved as an artifact or not, by
/// `--save`), read back in `end` (when `--load`), which writes how long the
/// read took and how much the process's peak memory grew, as a multiple of
/// the array's 100 MB, to the file named by BENCH_OUT. Benchmarks/compare-metaflow times the
/// same flow in Metaflow (Benchmarks/metaflow/array100.py).
let flow = Flow("BenchArray") {
    Parameter("save", default: true, help: "save the array as an artifact")
    Parameter("load", default: false, help: "read the array back in end")
    Parameter("seed", default: 1, help: "where the generator starts: a new seed is new content, which the store cannot reuse")
    Parameter("mb", default: 100, help: "the array's size in megabytes (Benchmarks/large-array: 4096)")

    Step("start", next: .to("end")) { task in
        // 12.5 M doubles from a cheap generator: the cost measured is the artifact's, not the randomness's.
        let seed = try task.parameter("seed", as: Int.self)
        var state: UInt64 = (0x9E37_79B9_7F4A_7C15 &* UInt64(bitPattern: Int64(seed) &+ 1)) | 1
        let count = try task.parameter("mb", as: Int.self) * 125_000
        let x = (0..<count).map { _ -> Double in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Double(state >> 11) * 0x1p-53
        }
        if try task.parameter("save", as: Bool.self) { task["x"] = x } else { task["n"] = x.count }
    }
    Step("end") { task in
        guard try task.parameter("load", as: Bool.self) else { return }
        func peakBytes() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_maxrss) * 1024
        }
        let before = peakBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        let x = try task.artifact("x", as: [Double].self)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let expected = try task.parameter("mb", as: Int.self) * 125_000
        precondition(x.count == expected)
        let growth = (peakBytes() - before) / Double(x.count * 8)
        if let out = ProcessInfo.processInfo.environment["BENCH_OUT"] {
            try "\(seconds) \(growth)".write(toFile: out, atomically: true, encoding: .utf8)
        }
    }
}
Spindle.main(flow)
