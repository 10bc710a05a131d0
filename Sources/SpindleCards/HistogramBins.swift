/// Equal-width bins over the finite values of every series of a histogram,
/// and each series' count in each bin.
///
/// Bins: `requested` when given (1 to 1000); else one per integer when every
/// value is a whole number and the range spans at most 50 of them; else
/// ⌊√n⌋ for n finite values, at least 1 and at most 50. A value on an inner
/// edge counts in the bin above it; the maximum counts in the last bin.
struct HistogramBins {
    var lower: Double
    var width: Double
    /// `counts[s][b]`: values of series `s` in bin `b`.
    var counts: [[Int]]
    var binCount: Int { counts.first?.count ?? 0 }
    var upper: Double { lower + width * Double(binCount) }

    func edge(_ b: Int) -> Double { lower + width * Double(b) }

    /// nil when no series has a finite value.
    init?(series: [[Double]], requested: Int?) {
        var lo = Double.infinity, hi = -Double.infinity
        var n = 0
        var whole = true
        for values in series {
            values.withUnsafeBufferPointer { values in
                var low = lo, high = hi, count = n
                for v in values where v.isFinite {
                    count += 1
                    low = Swift.min(low, v)
                    high = Swift.max(high, v)
                }
                (lo, hi, n) = (low, high, count)
                if whole { whole = !values.contains { $0.isFinite && $0 != $0.rounded() } }
            }
        }
        guard n > 0 else { return nil }
        let bins: Int
        if let requested {
            bins = Swift.max(1, Swift.min(1000, requested))
            if lo == hi { lo -= 0.5; hi += 0.5 }
        } else if whole && hi - lo < 50 {
            bins = Int(hi - lo) + 1
            lo -= 0.5
            hi += 0.5
        } else {
            bins = Swift.max(1, Swift.min(50, Int(Double(n).squareRoot())))
            if lo == hi { lo -= 0.5; hi += 0.5 }
        }
        lower = lo
        width = (hi - lo) / Double(bins)
        let scale = Double(bins) / (hi - lo)
        let first = lo
        let last = Double(bins - 1)
        counts = series.map { values in
            // Four interleaved rows: neighbouring values often share a bin,
            // and one row would make each count wait for the one before.
            var rows = [Int](repeating: 0, count: 4 * bins)
            rows.withUnsafeMutableBufferPointer { rows in
                values.withUnsafeBufferPointer { values in
                    for i in 0..<values.count {
                        let v = values[i]
                        guard v.isFinite else { continue }
                        let b = (v - first) * scale  // ≥ 0: v ≥ first
                        rows[(i & 3) * bins + (b >= last ? bins - 1 : Int(b))] += 1
                    }
                }
            }
            return (0..<bins).map { rows[$0] + rows[bins + $0] + rows[2 * bins + $0] + rows[3 * bins + $0] }
        }
    }
}
