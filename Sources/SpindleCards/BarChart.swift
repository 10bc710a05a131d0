/// Bar charts: one slot per category, the series' bars side by side in it,
/// rising from zero (or hanging below it). Categories are named by `labels`
/// or numbered from 0; labels that would overlap are thinned to every k-th.
/// More categories than pixel columns are drawn as each column's tallest
/// bar up and deepest bar down, one vertical stroke each.
enum BarChart {
    static func draw(_ chart: CardChart, size: (width: Double, height: Double), into svg: inout SVGWriter) {
        let scans = chart.series.map { SeriesScan(values: $0.y) }
        let categories = Swift.max(chart.labels?.count ?? 0, chart.series.map(\.y.count).max() ?? 0)
        let drawn = scans.filter { $0.finite > 0 }
        guard categories > 0, !drawn.isEmpty else {
            SVGChart.empty(categories > 0 ? "Nothing to draw: no finite values" : "No data", size: size, into: &svg)
            return
        }
        let y = AxisTicks(min: Swift.min(0, drawn.map(\.minY).min()!), max: Swift.max(0, drawn.map(\.maxY).max()!),
                          target: Swift.max(2, Int(size.height / 50)), fit: .rounded)
        let names = chart.series.map(\.name)
        let notes = SVGChart.skippedNotes(scans, names: names)

        let layout = SVGChart.area(chart, size: size, x: AxisTicks(min: 0, max: 1, fit: .exact), y: y, notes: notes.count)
        let slot = layout.width / Double(categories)
        let texts = (0..<categories).map { i in
            SVGWriter.truncated(chart.labels.flatMap { i < $0.count ? $0[i] : nil } ?? String(i), to: 14)
        }
        let widest = (texts.map { SVGWriter.textWidth($0) }.max() ?? 0) + 8
        let every = Swift.max(1, Int((widest / slot).rounded(.up)))
        let xLabels = stride(from: 0, to: categories, by: every).map { i in
            (position: layout.left + (Double(i) + 0.5) * slot, text: texts[i])
        }
        let area = SVGChart.frame(chart, size: size, x: AxisTicks(min: 0, max: 1, fit: .exact), y: y, xLabels: xLabels,
                                  notes: notes, into: &svg)
        let zero = area.py(0)
        if categories <= area.columns {
            let group = slot * 0.8, barWidth = group / Double(Swift.max(1, chart.series.count))
            for (s, series) in chart.series.enumerated() {
                let color = ChartPalette.color(s)
                for (i, v) in series.y.enumerated() where v.isFinite {
                    let x = area.left + Double(i) * slot + slot * 0.1 + Double(s) * barWidth
                    let top = Swift.min(zero, area.py(v)), height = abs(area.py(v) - zero)
                    let name = texts[i]
                    let tip = (series.name.isEmpty ? "" : series.name + ", ") + name + ": " + NumberText.short(v)
                    svg.rect(x: x, y: top, width: Swift.max(0.5, barWidth - 0.5), height: height, fill: color, tooltip: tip)
                }
            }
        } else {
            for (s, series) in chart.series.enumerated() {
                svg.raw(envelope(series.y, categories: categories, area: area, zero: zero, color: ChartPalette.color(s)))
            }
        }
    }

    /// Per pixel column, a stroke from zero to the column's largest value
    /// and one to its smallest.
    private static func envelope(_ values: [Double], categories: Int, area: PlotArea, zero: Double, color: String) -> String {
        let columns = area.columns
        var high = [Double](repeating: 0, count: columns)
        var low = [Double](repeating: 0, count: columns)
        for (i, v) in values.enumerated() where v.isFinite {
            let c = Swift.min(columns - 1, i * columns / categories)
            if v > high[c] { high[c] = v }
            if v < low[c] { low[c] = v }
        }
        var d = ""
        for c in 0..<columns where high[c] != 0 || low[c] != 0 {
            let x = SVGNumber.coordinate(area.left + Double(c) + 0.5)
            d += "M\(x),\(SVGNumber.coordinate(area.py(low[c])))V\(SVGNumber.coordinate(area.py(high[c])))"
        }
        return d.isEmpty ? "" : "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\"/>\n"
    }
}
