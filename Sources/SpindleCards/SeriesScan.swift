/// One pass over a series: the range of its finite points and how many
/// values were skipped. A point is skipped when its y, or its x when given,
/// is NaN or infinite.
struct SeriesScan {
    var minX = Double.infinity, maxX = -Double.infinity
    var minY = Double.infinity, maxY = -Double.infinity
    /// Points drawn.
    var finite = 0
    var nan = 0
    var infinite = 0
    /// Points `x` and `y` describe together (the shorter of the two).
    var count = 0
    /// `x` was given and its length differs from `y`'s.
    var lengthsDiffer = false

    init(_ series: CardSeries) {
        guard let xs = series.x else {
            self.init(values: series.y)
            return
        }
        self.init(x: xs, y: series.y)
    }

    private init(x xs: [Double], y ys: [Double]) {
        count = Swift.min(xs.count, ys.count)
        lengthsDiffer = xs.count != ys.count
        let n = count
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in scan(n) { (x[$0], y[$0]) } }
        }
    }

    /// Values only (histograms, bars): x is the index.
    init(values: [Double]) {
        count = values.count
        values.withUnsafeBufferPointer { y in
            let (lo, hi) = Self.range(y, nan: &nan, infinite: &infinite, finite: &finite, minY: &minY, maxY: &maxY)
            if finite > 0 { minX = Double(lo); maxX = Double(hi) }
        }
    }

    /// The loop for y alone, in locals so it runs at memory speed: the
    /// first and last finite index, and the rest through the arguments.
    private static func range(_ y: UnsafeBufferPointer<Double>, nan: inout Int, infinite: inout Int, finite: inout Int,
                              minY: inout Double, maxY: inout Double) -> (Int, Int) {
        var lo = Double.infinity, hi = -Double.infinity
        var skipped = 0, nans = 0
        var first = -1, last = -1
        for i in 0..<y.count {
            let v = y[i]
            if v.isFinite {
                if first < 0 { first = i }
                last = i
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            } else {
                skipped += 1
                if v.isNaN { nans += 1 }
            }
        }
        nan = nans
        infinite = skipped - nans
        finite = y.count - skipped
        minY = lo
        maxY = hi
        return (first, last)
    }

    private mutating func scan(_ n: Int, _ point: (Int) -> (Double, Double)) {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        var finite = 0, nan = 0, infinite = 0
        for i in 0..<n {
            let (x, y) = point(i)
            guard x.isFinite, y.isFinite else {
                if x.isNaN || y.isNaN { nan += 1 } else { infinite += 1 }
                continue
            }
            finite += 1
            minX = Swift.min(minX, x); maxX = Swift.max(maxX, x)
            minY = Swift.min(minY, y); maxY = Swift.max(maxY, y)
        }
        (self.minX, self.maxX, self.minY, self.maxY) = (minX, maxX, minY, maxY)
        (self.finite, self.nan, self.infinite) = (finite, nan, infinite)
    }

    /// `3 NaN skipped`, `1 NaN and 2 ±inf skipped`, or nil when none were.
    var skippedNote: String? {
        switch (nan, infinite) {
        case (0, 0): nil
        case (_, 0): "\(nan) NaN skipped"
        case (0, _): "\(infinite) ±inf skipped"
        default: "\(nan) NaN and \(infinite) ±inf skipped"
        }
    }
}
