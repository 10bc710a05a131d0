import SpindleValue

/// Charts drawn as text for a terminal: line, scatter, histogram and heatmap.
///
/// Each returns the chart's lines joined by `\n` (no newline at the end),
/// never wider than ``PlotStyle/width``, without trailing blanks, and the same
/// text for the same input and style, so a transcript can check it byte for
/// byte. NaN and infinities are left out and counted in a note under the
/// chart (`3 NaN skipped`); nothing finite to draw is a ``PlotError``.
///
/// Every pass reads the arrays' typed storage in place, one pass per scale
/// and one to draw: ten million points cost tens of milliseconds, and the
/// text is as small as for ten.
public enum TerminalChart {}

/// A series checked and measured: its ranges found in the first pass.
struct MeasuredSeries {
    var name: String
    var x: NumericArray?
    var y: NumericArray
    /// The finite x range (nil for the implicit indices).
    var xRange: FiniteRange?
    /// The finite y range, over the points whose x is finite too; what was skipped.
    var yRange: FiniteRange

    var count: Int { y.count }
}

/// The shared scales of a chart of series, found before anything is drawn.
struct SeriesPlan {
    var series: [MeasuredSeries]
    var xLo: Double, xHi: Double
    /// Whether every x is a whole number (indices or integer storage), so x ticks are too.
    var xIntegral: Bool
    var yLo: Double, yHi: Double
}

extension TerminalChart {
    /// Checks that `a` is one-dimensional (or one column); `chart` names the chart in the message.
    static func checkVector(_ a: NumericArray, chart: String, role: String) throws(PlotError) {
        guard a.rank <= 1 || (a.rank == 2 && a.shape[1] == 1) else {
            throw PlotError("\(chart) needs \(role) as a one-dimensional array (or a single column), "
                            + "found \(a.typeName); plot one column or row at a time")
        }
    }

    /// `name: ` for messages about one series of several (`series 2: ` when unnamed), empty for one.
    static func prefix(_ series: [PlotSeries], _ k: Int) -> String {
        guard series.count > 1 else { return "" }
        return (series[k].name.isEmpty ? "series \(k + 1)" : series[k].name) + ": "
    }

    /// Checks the series and finds the shared scales, one pass over each array.
    static func plan(_ series: [PlotSeries], chart: String) throws(PlotError) -> SeriesPlan {
        guard !series.isEmpty else { throw PlotError("nothing to plot: no series given") }
        var measured: [MeasuredSeries] = []
        for (k, s) in series.enumerated() {
            let p = prefix(series, k)
            do throws(PlotError) {
                try checkVector(s.y, chart: chart, role: "y")
                if let x = s.x { try checkVector(x, chart: chart, role: "x") }
            } catch {
                throw PlotError(p + error.message)
            }
            if let x = s.x {
                guard x.count == s.y.count else {
                    throw PlotError(p + "x has \(NumberFormatting.count(x.count)) elements "
                                    + "but y has \(NumberFormatting.count(s.y.count))")
                }
                let (rx, ry) = FiniteRange.ofPairs(x: x, y: s.y)
                measured.append(MeasuredSeries(name: s.name, x: x, y: s.y, xRange: rx, yRange: ry))
            } else {
                measured.append(MeasuredSeries(name: s.name, x: nil, y: s.y, xRange: nil, yRange: .of(s.y)))
            }
        }
        var xs = FiniteRange(), ys = FiniteRange(), integral = true
        for m in measured where !m.yRange.isEmpty {
            ys.merge(m.yRange)
            if let rx = m.xRange {
                xs.merge(rx)
                integral = integral && !rx.isEmpty && !m.x!.elementType.isFloatingPoint
            } else {
                xs.include(0)
                xs.include(Double(m.count - 1))
            }
        }
        guard !ys.isEmpty else {
            if measured.count == 1 {
                let only = measured[0]
                if only.count == 0 { throw PlotError("nothing to plot: the array is empty") }
                throw PlotError("nothing to plot: " + only.yRange.skipped.allSkipped(of: only.count))
            }
            throw PlotError("nothing to plot: none of the \(measured.count) series has a finite value")
        }
        return SeriesPlan(series: measured, xLo: xs.lo, xHi: xs.hi, xIntegral: integral, yLo: ys.lo, yHi: ys.hi)
    }

    /// Draws a chart of series: the plan's scales, a braille canvas filled by
    /// `draw`, axes, a legend (marked with `marker`) and notes.
    static func seriesChart(_ series: [PlotSeries], chart: String, marker: String, title: String?,
                            style: PlotStyle,
                            draw: (inout BrailleCanvas, SeriesPlan, AxisScale, AxisScale) -> Void)
        throws(PlotError) -> String {
        try style.checkHeight()
        let plan = try plan(series, chart: chart)
        let yTicks = AxisLabels.ticks(lo: plan.yLo, hi: plan.yHi, count: AxisLabels.tickCount(rows: style.height))
        let yText = AxisLabels.format(yTicks)
        let labelWidth = yText.map(\.count).max() ?? 1
        let columns = try ChartFrame.canvasColumns(width: style.width, labelWidth: labelWidth)

        var canvas = BrailleCanvas(columns: columns, rows: style.height)
        let xs = AxisScale(lo: plan.xLo, hi: plan.xHi, positions: canvas.dotColumns)
        let ys = AxisScale(lo: plan.yLo, hi: plan.yHi, positions: canvas.dotRows)
        draw(&canvas, plan, xs, ys)

        var frame = ChartFrame(title: title, width: style.width, labelWidth: labelWidth, axisColumns: columns)
        frame.rows = (0..<style.height).map { canvas.line($0) }
        frame.yLabels = yLabels(yTicks, yText, rows: style.height) { style.height - 1 - ys.position($0) / 4 }
        let xTicks = AxisLabels.ticks(lo: plan.xLo, hi: plan.xHi, count: 3, integral: plan.xIntegral)
        frame.xLabels = xLabels(xTicks, AxisLabels.format(xTicks)) { xs.position($0) / 2 }
        frame.footer = legend(plan.series.map(\.name), marker: marker, width: style.width)
        for (k, m) in plan.series.enumerated() {
            if let note = m.yRange.skipped.note { frame.footer.append(StyledLine(prefix(series, k) + note)) }
        }
        return frame.rendered(color: style.color)
    }

    /// Y labels by row: the ends first (so the extremes always show), then those between where their row is free.
    static func yLabels(_ ticks: [Double], _ text: [String], rows: Int, row: (Double) -> Int) -> [Int: String] {
        var out: [Int: String] = [:]
        let order = ticks.count < 2 ? Array(ticks.indices)
            : [ticks.count - 1, 0] + Array(1..<(ticks.count - 1))
        for i in order {
            let r = min(max(0, row(ticks[i])), rows - 1)
            if out[r] == nil { out[r] = text[i] }
        }
        return out
    }

    /// X labels anchored at their columns, ends first, then those between.
    static func xLabels(_ ticks: [Double], _ text: [String], column: (Double) -> Int) -> [(anchor: Int, text: String)] {
        let order = ticks.count < 2 ? Array(ticks.indices)
            : [0, ticks.count - 1] + Array(1..<(ticks.count - 1))
        return order.map { (column(ticks[$0]), text[$0]) }
    }

    /// The legend: one entry per series (`── name`), the marker in the series'
    /// colour. A single unnamed series has none. Without colour the legend
    /// names the series but cannot tell their lines apart.
    static func legend(_ names: [String], marker: String, width: Int) -> [StyledLine] {
        guard names.count > 1 || names.first?.isEmpty == false else { return [] }
        let entries = names.enumerated().map { k, name in
            var e = StyledLine()
            e.append(marker, foreground: Palette.color(ofSeries: k))
            e.append(" " + (name.isEmpty ? "series \(k + 1)" : name))
            return e
        }
        return ChartFrame.wrap(entries, width: width)
    }

    /// Calls `body` with each run of consecutive indices `0..<count` that `xs`
    /// maps to one dot column, and that column. Indices map monotonically, so
    /// each run's end is found by binary search: O(columns × log count) work
    /// besides the caller's tight loop over each run.
    static func forEachColumn(count: Int, _ xs: AxisScale, _ body: (Int, Range<Int>) -> Void) {
        var start = 0
        while start < count {
            let c = xs.position(Double(start))
            var a = start + 1, b = count
            while a < b {
                let m = a + (b - a) / 2
                if xs.position(Double(m)) > c { b = m } else { a = m + 1 }
            }
            body(c, start..<a)
            start = a
        }
    }
}
