import SpindleValue

/// A one-line trend of a numeric array in block characters `▁▂▃▄▅▆▇█`, for
/// listings of variables: `losses  [Double] 1 000  █▅▃▂▂▁▁▁`.
public enum Sparkline {
    /// The sparkline of `values` (flattened, row-major) in at most `width`
    /// characters, scaled from the lowest to the highest character.
    ///
    /// With more elements than `width`, each character is the mean of the
    /// finite values of an equal run of elements (one pass); otherwise one
    /// character per element. A run or element with nothing finite is a
    /// space; a constant array is all `▄`. Returns "" when nothing is finite
    /// or `width` is not positive.
    public static func of(_ values: NumericArray, width: Int) -> String {
        guard width > 0, values.count > 0 else { return "" }
        let means = values.visitElements(RunMeans(runs: min(width, values.count)))
        var range = FiniteRange()
        for case let m? in means { range.include(m) }
        guard !range.isEmpty else { return "" }
        let spread = range.hi * 0.5 - range.lo * 0.5
        var out = ""
        for m in means {
            guard let m else { out += " "; continue }
            let level = spread > 0 ? Int(min(1, max(0, (m * 0.5 - range.lo * 0.5) / spread)) * 7 + 0.5) : 3
            out += levels[level]
        }
        return out
    }

    static let levels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
}

/// The mean of the finite values of each of `runs` equal runs of elements
/// (run `i` is `i·n/runs ..< (i+1)·n/runs`), nil where there are none.
private struct RunMeans: ElementVisitor {
    let runs: Int

    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> [Double?] {
        (0..<runs).map { i in
            let start = i * p.count / runs, end = (i + 1) * p.count / runs
            // Scaled by the run's length as it goes, so no sum overflows.
            let scale = 1 / Double(end - start)
            var sum = 0.0, n = 0
            for j in start..<end {
                let v = p[j].plotValue
                if v.isFinite {
                    sum += v * scale
                    n += 1
                }
            }
            return n == 0 ? nil : sum * (Double(end - start) / Double(n))
        }
    }
}
