/// Histograms: each series' values counted into shared bins (see
/// `HistogramBins`), bars from zero to the count; several series overlap,
/// half transparent. Each bar's tooltip gives its range and count.
enum HistogramChart {
    static func draw(_ chart: CardChart, size: (width: Double, height: Double), into svg: inout SVGWriter) {
        let scans = chart.series.map { SeriesScan(values: $0.y) }
        guard let bins = HistogramBins(series: chart.series.map(\.y), requested: chart.bins) else {
            let skipped = scans.reduce(0) { $0 + $1.nan + $1.infinite }
            SVGChart.empty(skipped > 0 ? "Nothing to draw: all \(skipped) values are NaN or infinite" : "No data",
                           size: size, into: &svg)
            return
        }
        let names = chart.series.map(\.name)
        let total = scans.reduce(0) { $0 + $1.finite }
        var notes = SVGChart.skippedNotes(scans, names: names)
        notes.append("\(NumberText.count(total)) values, \(bins.binCount) bins of width \(NumberText.short(bins.width))")
        let x = AxisTicks(min: bins.lower, max: bins.upper, target: Swift.max(2, Int(size.width / 90)), fit: .exact)
        let maxCount = bins.counts.map { $0.max() ?? 0 }.max() ?? 0
        let y = AxisTicks(min: 0, max: Double(Swift.max(1, maxCount)), target: Swift.max(2, Int(size.height / 50)),
                          fit: .rounded, whole: true)
        let area = SVGChart.frame(chart, size: size, x: x, y: y, notes: notes, into: &svg)
        let opacity: Double? = chart.series.count > 1 ? 0.55 : nil
        for (s, row) in bins.counts.enumerated() {
            let color = ChartPalette.color(s)
            let prefix = chart.series.count > 1 && !names[s].isEmpty ? names[s] + ", " : ""
            for (b, count) in row.enumerated() where count > 0 {
                let x0 = area.px(bins.edge(b)), x1 = area.px(bins.edge(b + 1))
                let top = area.py(Double(count))
                let last = b == row.count - 1
                let tip = prefix + "[\(NumberText.short(bins.edge(b))), \(NumberText.short(bins.edge(b + 1)))\(last ? "]" : ")"): \(count)"
                svg.rect(x: x0 + 0.5, y: top, width: x1 - x0 - 1, height: area.bottom - top, fill: color,
                         opacity: opacity, tooltip: tip)
            }
        }
    }
}
