import SpindleValue

extension TerminalChart {
    /// A line chart of one or more series on shared scales, drawn in braille
    /// dots (2 × 4 per character cell).
    ///
    /// Each dot column shows the whole span of the values that fall in it,
    /// from their minimum to their maximum, and neighbouring columns are
    /// joined from the last value of one to the first of the next. So ten
    /// million points cost one pass to scale and one to draw, and a single
    /// spike among them still reaches its height. With `x`, the points are
    /// drawn as a function of x: each column gathers the points whose x falls
    /// in it, in any order.
    ///
    /// A constant series is a flat line across the middle. y (and x) must be
    /// one-dimensional or a single column. Series are coloured in turn when
    /// ``PlotStyle/color`` is on; without colour the legend names them but
    /// their lines look alike.
    public static func line(_ series: [PlotSeries], title: String? = nil,
                            style: PlotStyle = PlotStyle()) throws(PlotError) -> String {
        try seriesChart(series, chart: "a line chart", marker: "──", title: title, style: style) { canvas, plan, xs, ys in
            for (k, s) in plan.series.enumerated() where !s.yRange.isEmpty {
                let spans: [ColumnSpan]
                if let x = s.x {
                    spans = x.visitPairs(with: s.y, PointColumns(xs: xs))
                } else {
                    spans = s.y.visitElements(IndexColumns(xs: xs))
                }
                var previous: (x: Int, y: Int)?
                for (c, span) in spans.enumerated() where span.lo <= span.hi {
                    canvas.vertical(x: c, from: ys.position(span.lo), to: ys.position(span.hi), series: k)
                    if let p = previous { canvas.segment(from: p, to: (c, ys.position(span.first)), series: k) }
                    previous = (c, ys.position(span.last))
                }
            }
        }
    }
}

/// What fell in one dot column of a line: the finite values' extremes, and the
/// first and last of them (which join the neighbouring columns).
struct ColumnSpan {
    var lo = Double.infinity
    var hi = -Double.infinity
    var first = 0.0
    var last = 0.0
}

/// The spans of y by column, x being the index: one tight pass per column's run of indices.
private struct IndexColumns: ElementVisitor {
    let xs: AxisScale

    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> [ColumnSpan] {
        var spans = Array(repeating: ColumnSpan(), count: xs.positions)
        TerminalChart.forEachColumn(count: p.count, xs) { c, run in
            var first = run.lowerBound
            while first < run.upperBound && !p[first].plotValue.isFinite { first += 1 }
            guard first < run.upperBound else { return }
            var last = run.upperBound - 1
            while !p[last].plotValue.isFinite { last -= 1 }
            let r = FiniteRange.scan(p, first..<(last + 1))
            spans[c] = ColumnSpan(lo: r.lo, hi: r.hi, first: p[first].plotValue, last: p[last].plotValue)
        }
        return spans
    }
}

/// The spans of y by column for explicit x: each point goes to its x's column.
private struct PointColumns: PairVisitor {
    let xs: AxisScale

    func visit<X: PlotNumber, Y: PlotNumber>(_ xv: UnsafeBufferPointer<X>,
                                             _ yv: UnsafeBufferPointer<Y>) -> [ColumnSpan] {
        var spans = Array(repeating: ColumnSpan(), count: xs.positions)
        for i in 0..<min(xv.count, yv.count) {
            let x = xv[i].plotValue, y = yv[i].plotValue
            guard x.isFinite && y.isFinite else { continue }
            let c = xs.position(x)
            if spans[c].lo > spans[c].hi { spans[c].first = y }
            if y < spans[c].lo { spans[c].lo = y }
            if y > spans[c].hi { spans[c].hi = y }
            spans[c].last = y
        }
        return spans
    }
}
