/// Charts drawn in Swift as SVG text, so a card page needs no chart library
/// and no script to show them, and the shell or a server can write the same
/// picture to a file.
///
/// Every chart has its title on top, a y axis with nice ticks (1, 2, 2.5
/// or 5 times a power of ten), faint grid lines, an x axis, the axis labels, a
/// legend when there is more than one series or the only one is named, and
/// notes at the bottom (values skipped, x and y of different lengths).
/// Text uses `currentColor`, so an inline chart follows the page's light or
/// dark scheme. NaN and ±infinity are skipped. Nothing to draw gives a
/// chart-sized SVG with a message in it, never an error.
///
/// Size: a line keeps at most two points per pixel column and a scatter one
/// dot per 3×3 pixels, so the SVG stays small (tens of kilobytes) however
/// long the series: see `SeriesReduction`.
public enum SVGChart {
    /// The chart as one `<svg>` element, `width`×`height` pixels (at least
    /// 160×120).
    public static func svg(_ chart: CardChart, width: Int = 640, height: Int = 320) -> String {
        let size = (width: Double(Swift.max(width, 160)), height: Double(Swift.max(height, 120)))
        let label = chart.title.flatMap { $0.isEmpty ? nil : $0 } ?? "\(chart.kind.rawValue) chart"
        var svg = SVGWriter(width: size.width, height: size.height, label: label, className: "spindle-chart")
        if let title = chart.title, !title.isEmpty {
            svg.text(SVGWriter.truncated(title, to: Int((size.width - 16) / 8.6)), x: size.width / 2, y: 18,
                     anchor: .middle, size: 13, bold: true)
        }
        switch chart.kind {
        case .line, .scatter: XYChart.draw(chart, size: size, into: &svg)
        case .bar: BarChart.draw(chart, size: size, into: &svg)
        case .histogram: HistogramChart.draw(chart, size: size, into: &svg)
        }
        return svg.finish()
    }

    /// The message shown instead of a chart, centred.
    static func empty(_ message: String, size: (width: Double, height: Double), into svg: inout SVGWriter) {
        svg.text(message, x: size.width / 2, y: size.height / 2, anchor: .middle, opacity: 0.7)
    }

    /// The plot area left once the y axis's labels, the axis titles and the
    /// notes have their room.
    static func area(_ chart: CardChart, size: (width: Double, height: Double), x: AxisTicks, y: AxisTicks,
                     notes: Int) -> PlotArea {
        let widest = y.labels.map { SVGWriter.textWidth($0) }.max() ?? 0
        let hasTitle = !(chart.title ?? "").isEmpty
        let hasXLabel = !(chart.xLabel ?? "").isEmpty, hasYLabel = !(chart.yLabel ?? "").isEmpty
        let left = (10 + widest + 6 + (hasYLabel ? 18 : 0)).rounded()
        let width = Swift.max(20, size.width - left - 16).rounded(.down)
        let top = (hasTitle ? 30.0 : 12.0) + ChartLegend(chart.series.map(\.name), width: width).height
        let bottom = 22 + (hasXLabel ? 18.0 : 0) + Double(notes) * 14
        return PlotArea(left: left, top: top, width: width, height: Swift.max(20, size.height - top - bottom), x: x, y: y)
    }

    /// The plot area (see `area`) and the frame drawn around it: the legend,
    /// grid lines
    /// and labels at the y ticks, the x tick labels (`xLabels` gives them as
    /// text at positions, for bars), the axis titles and the notes.
    static func frame(_ chart: CardChart, size: (width: Double, height: Double), x: AxisTicks, y: AxisTicks,
                      xLabels: [(position: Double, text: String)]? = nil, notes: [String],
                      into svg: inout SVGWriter) -> PlotArea {
        let area = area(chart, size: size, x: x, y: y, notes: notes.count)
        let legend = ChartLegend(chart.series.map(\.name), width: area.width)
        legend.draw(left: area.left, top: area.top - legend.height, dots: chart.kind == .scatter, into: &svg)
        let yLabels = y.labels
        let hasXLabel = !(chart.xLabel ?? "").isEmpty, hasYLabel = !(chart.yLabel ?? "").isEmpty
        for (v, text) in zip(y.values, yLabels) {
            let py = area.py(v)
            svg.line(x1: area.left, y1: py, x2: area.right, y2: py, opacity: v == 0 && y.lower < 0 ? 0.4 : 0.12)
            svg.text(text, x: area.left - 6, y: py + 3.5, anchor: .end, opacity: 0.75)
        }
        svg.line(x1: area.left, y1: area.top, x2: area.left, y2: area.bottom, opacity: 0.45)
        svg.line(x1: area.left, y1: area.bottom, x2: area.right, y2: area.bottom, opacity: 0.45)
        let ticks = xLabels ?? zip(x.values, x.labels).map { (area.px($0), $1) }
        for (px, text) in ticks {
            svg.line(x1: px, y1: area.bottom, x2: px, y2: area.bottom + 4, opacity: 0.45)
            svg.text(text, x: px, y: area.bottom + 15, anchor: .middle, opacity: 0.75)
        }
        if hasXLabel, let xLabel = chart.xLabel {
            svg.text(SVGWriter.truncated(xLabel, to: Int(area.width / 6.6)), x: area.left + area.width / 2,
                     y: area.bottom + 33, anchor: .middle)
        }
        if hasYLabel, let yLabel = chart.yLabel {
            svg.text(SVGWriter.truncated(yLabel, to: Int(area.height / 6.6)), x: 14, y: area.top + area.height / 2,
                     anchor: .middle, rotate: true)
        }
        var noteY = size.height - 6 - Double(notes.count - 1) * 14
        for note in notes {
            svg.text(SVGWriter.truncated(note, to: Int(size.width / 6)), x: 8, y: noteY, size: 10, opacity: 0.7)
            noteY += 14
        }
        return area
    }

    /// "train: 3 NaN skipped" for each series that skipped values (without
    /// the name when there is one series).
    static func skippedNotes(_ scans: [SeriesScan], names: [String]) -> [String] {
        var notes: [String] = []
        for (scan, name) in zip(scans, names) {
            if let note = scan.skippedNote {
                notes.append(scans.count > 1 && !name.isEmpty ? "\(name): \(note)" : note)
            }
            if scan.lengthsDiffer {
                notes.append((scans.count > 1 && !name.isEmpty ? "\(name): " : "") + "x and y differ in length; drew \(scan.count) points")
            }
        }
        return notes.count > 3 ? Array(notes.prefix(2)) + ["and \(notes.count - 2) more notes"] : notes
    }
}
