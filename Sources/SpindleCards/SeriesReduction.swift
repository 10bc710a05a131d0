/// What of a large series can be seen at the chart's size, in pixel
/// coordinates, so that ten million points make an SVG of a few thousand.
///
/// - A line of more than two points per pixel column is reduced to the
///   minimum and the maximum of each column, in the order they occur: the
///   envelope a drawn line would fill, spikes included. Columns are taken
///   left to right, so an x that goes back and forth is drawn in x order.
/// - A scatter of more points than `scatterLimit` keeps one dot per 3×3
///   pixel cell that holds any.
/// - Smaller series keep every finite point, in order.
enum SeriesReduction {
    static let scatterLimit = 4000
    static let scatterCell = 3.0

    /// The points of a line chart's series, reduced when it is large.
    static func line(_ series: CardSeries, count: Int, area: PlotArea) -> [(x: Double, y: Double)] {
        let columns = area.columns
        guard count > 2 * columns else { return every(series, count: count, area: area) }
        var extremes = ColumnExtremes(columns: columns)
        let span = area.x.upper - area.x.lower
        let perUnit = span > 0 ? Double(columns) / span : 0
        series.y.withUnsafeBufferPointer { y in
            if let xs = series.x {
                xs.withUnsafeBufferPointer { x in
                    extremes.add(x: x, y: y, count: count, lower: area.x.lower, perUnit: perUnit)
                }
            } else {
                extremes.addByIndex(y: y, count: count, lower: area.x.lower, perUnit: perUnit)
            }
        }
        var points: [(x: Double, y: Double)] = []
        points.reserveCapacity(2 * columns)
        for c in 0..<columns where extremes.minAt[c] >= 0 {
            let px = area.left + (Double(c) + 0.5) * area.width / Double(columns)
            let low = (px, area.py(extremes.minY[c])), high = (px, area.py(extremes.maxY[c]))
            if extremes.minAt[c] == extremes.maxAt[c] {
                points.append(low)
            } else if extremes.minAt[c] < extremes.maxAt[c] {
                points.append(low)
                points.append(high)
            } else {
                points.append(high)
                points.append(low)
            }
        }
        return points
    }

    /// The dots of a scatter chart's series, one per occupied cell when large.
    static func scatter(_ series: CardSeries, count: Int, area: PlotArea) -> [(x: Double, y: Double)] {
        guard count > scatterLimit else { return every(series, count: count, area: area) }
        let cellsX = Swift.max(1, Int((area.width / scatterCell).rounded(.up)))
        let cellsY = Swift.max(1, Int((area.height / scatterCell).rounded(.up)))
        var occupied = [Bool](repeating: false, count: cellsX * cellsY)
        for i in 0..<count {
            let xv = series.x?[i] ?? Double(i), yv = series.y[i]
            guard xv.isFinite, yv.isFinite else { continue }
            let cx = Swift.min(cellsX - 1, Swift.max(0, Int((area.px(xv) - area.left) / scatterCell)))
            let cy = Swift.min(cellsY - 1, Swift.max(0, Int((area.py(yv) - area.top) / scatterCell)))
            occupied[cy * cellsX + cx] = true
        }
        var points: [(x: Double, y: Double)] = []
        for cy in 0..<cellsY {
            for cx in 0..<cellsX where occupied[cy * cellsX + cx] {
                points.append((area.left + (Double(cx) + 0.5) * scatterCell, area.top + (Double(cy) + 0.5) * scatterCell))
            }
        }
        return points
    }

    /// Every finite point, in order.
    private static func every(_ series: CardSeries, count: Int, area: PlotArea) -> [(x: Double, y: Double)] {
        var points: [(x: Double, y: Double)] = []
        points.reserveCapacity(count)
        for i in 0..<count {
            let xv = series.x?[i] ?? Double(i), yv = series.y[i]
            guard xv.isFinite, yv.isFinite else { continue }
            points.append((area.px(xv), area.py(yv)))
        }
        return points
    }
}

/// Per pixel column, the smallest and largest finite y that falls in it and
/// where each was (-1: the column is empty). Filling it is the whole cost of
/// a chart of millions of points, so both ways run over raw buffers.
private struct ColumnExtremes {
    var minY: [Double], maxY: [Double]
    var minAt: [Int], maxAt: [Int]
    let columns: Int

    init(columns: Int) {
        self.columns = columns
        minY = [Double](repeating: .infinity, count: columns)
        maxY = [Double](repeating: -.infinity, count: columns)
        minAt = [Int](repeating: -1, count: columns)
        maxAt = [Int](repeating: -1, count: columns)
    }

    /// The column `x` falls in, the ends taking what is beyond them.
    @inline(__always)
    private func column(_ x: Double, lower: Double, perUnit: Double) -> Int {
        let c = ((x - lower) * perUnit).rounded(.down)
        return c >= Double(columns - 1) ? columns - 1 : c <= 0 ? 0 : Int(c)
    }

    /// Any x, in any order: each point updates its column.
    mutating func add(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, count: Int, lower: Double, perUnit: Double) {
        for i in 0..<count {
            let xv = x[i], yv = y[i]
            guard xv.isFinite, yv.isFinite else { continue }
            let c = column(xv, lower: lower, perUnit: perUnit)
            if yv < minY[c] { minY[c] = yv; minAt[c] = i }
            if yv > maxY[c] { maxY[c] = yv; maxAt[c] = i }
        }
    }

    /// x is the index: each column is a run of indices, found from its
    /// edges and scanned in a tight loop of its own.
    mutating func addByIndex(y: UnsafeBufferPointer<Double>, count: Int, lower: Double, perUnit: Double) {
        var from = 0
        for c in 0..<columns where from < count {
            var to = count
            if c < columns - 1 && perUnit > 0 {
                // The first index past column c: estimated from its edge,
                // then checked with the same rule `add` uses.
                let edge = Swift.min(Double(count), Swift.max(0, (lower + Double(c + 1) / perUnit).rounded(.up)))
                to = Swift.max(from, Int(edge))
                while to < count && column(Double(to), lower: lower, perUnit: perUnit) <= c { to += 1 }
                while to > from && column(Double(to - 1), lower: lower, perUnit: perUnit) > c { to -= 1 }
            }
            var lo = Double.infinity, hi = -Double.infinity, loAt = -1, hiAt = -1
            for i in from..<to {
                let v = y[i]
                guard v.isFinite else { continue }
                if v < lo { lo = v; loAt = i }
                if v > hi { hi = v; hiAt = i }
            }
            if loAt >= 0 {
                minY[c] = lo; minAt[c] = loAt
                maxY[c] = hi; maxAt[c] = hiAt
            }
            from = to
        }
    }
}
