import Testing
@testable import SpindleValue

/// The vectorised pass behind a large array's summary agrees with the scalar statistics.
@Suite("Range scan")
struct RangeScanTests {
    static func data(_ kind: String, count: Int) -> [Double] {
        var g = SeededGenerator(seed: 11)
        return (0..<count).map { i in
            let x = Double.random(in: -1e3...1e3, using: &g)
            switch kind {
            case "nan": return i % 7 == 3 ? .nan : x
            case "infinite": return i == count / 2 ? .infinity : (i == 5 ? -.infinity : x)
            case "allNaN": return .nan
            default: return x
            }
        }
    }

    @Test("count, NaNs, min, mean and max match statistics()",
          arguments: ["plain", "nan", "infinite", "allNaN"], [RangeScan.minimumCount, 131_075])
    func agrees(kind: String, count: Int) {
        let array = NumericArray(Self.data(kind, count: count))
        let fast = array.rangeStatistics(), slow = array.statistics()
        #expect(fast.count == slow.count)
        #expect(fast.nanCount == slow.nanCount)
        #expect(fast.min == slow.min || (fast.min.isNaN && slow.min.isNaN))
        #expect(fast.max == slow.max || (fast.max.isNaN && slow.max.isNaN))
        if slow.mean.isFinite {
            #expect(abs(fast.mean - slow.mean) <= 1e-9 * Swift.max(1, abs(slow.mean)))
        } else {
            #expect(fast.mean.isNaN == slow.mean.isNaN)
        }
        #expect(array.summary(width: 200).hasPrefix("[Double] \(NumberFormatting.count(count))"))
    }

    @Test("a pass split across the cores gives what one pass gives")
    func parts() {
        let xs = Self.data("nan", count: 2_097_153)
        let whole = xs.withUnsafeBufferPointer { RangeScan.pass($0) }
        let split = xs.withUnsafeBufferPointer { RangeScan.scan($0) }
        #expect(split.count == whole.count && split.min == whole.min && split.max == whole.max)
        #expect(abs(split.sum - whole.sum) <= 1e-6 * abs(whole.sum))
    }
}
