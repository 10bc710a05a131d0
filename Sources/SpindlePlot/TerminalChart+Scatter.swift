import SpindleValue

extension TerminalChart {
    /// A scatter chart: one braille dot per point (2 × 4 dots per character
    /// cell), several series on shared scales.
    ///
    /// Each point costs one mapping to its dot, so ten million points take one
    /// pass to scale and one to draw. x defaults to the element index. Series
    /// are coloured in turn when ``PlotStyle/color`` is on (a cell shared by
    /// two takes the later one's colour); without colour the legend names them
    /// but their dots look alike.
    public static func scatter(_ series: [PlotSeries], title: String? = nil,
                               style: PlotStyle = PlotStyle()) throws(PlotError) -> String {
        try seriesChart(series, chart: "a scatter chart", marker: "•", title: title, style: style) { canvas, plan, xs, ys in
            for (k, s) in plan.series.enumerated() where !s.yRange.isEmpty {
                let hits = if let x = s.x {
                    x.visitPairs(with: s.y, PointDots(xs: xs, ys: ys))
                } else {
                    s.y.visitElements(IndexDots(xs: xs, ys: ys))
                }
                hits.draw(on: &canvas, series: k)
            }
        }
    }
}

/// Which dots the points of a series hit, column by column (`x × dotRows + y`):
/// the scatter's pass writes bytes through a pointer, and only the hit dots
/// reach the canvas afterwards.
struct DotHits {
    let columns: Int, rows: Int
    var hits: [Bool]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        hits = Array(repeating: false, count: columns * rows)
    }

    func draw(on canvas: inout BrailleCanvas, series: Int) {
        for x in 0..<columns {
            for y in 0..<rows where hits[x * rows + y] { canvas.set(x: x, y: y, series: series) }
        }
    }
}

/// Dots for y against its index: each run of indices sharing a dot column in one loop.
private struct IndexDots: ElementVisitor {
    let xs: AxisScale, ys: AxisScale

    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> DotHits {
        var out = DotHits(columns: xs.positions, rows: ys.positions)
        let rows = ys.positions
        out.hits.withUnsafeMutableBufferPointer { h in
            TerminalChart.forEachColumn(count: p.count, xs) { c, run in
                let base = c * rows
                for i in run {
                    let y = p[i].plotValue
                    if y.isFinite { h[base + ys.position(y)] = true }
                }
            }
        }
        return out
    }
}

/// Dots for y against explicit x.
private struct PointDots: PairVisitor {
    let xs: AxisScale, ys: AxisScale

    func visit<X: PlotNumber, Y: PlotNumber>(_ xv: UnsafeBufferPointer<X>,
                                             _ yv: UnsafeBufferPointer<Y>) -> DotHits {
        var out = DotHits(columns: xs.positions, rows: ys.positions)
        let rows = ys.positions
        out.hits.withUnsafeMutableBufferPointer { h in
            for i in 0..<min(xv.count, yv.count) {
                let x = xv[i].plotValue, y = yv[i].plotValue
                if x.isFinite && y.isFinite { h[xs.position(x) * rows + ys.position(y)] = true }
            }
        }
        return out
    }
}
