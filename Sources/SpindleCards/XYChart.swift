/// Line and scatter charts: every series on shared x and y scales.
enum XYChart {
    static func draw(_ chart: CardChart, size: (width: Double, height: Double), into svg: inout SVGWriter) {
        let scans = chart.series.map(SeriesScan.init)
        let drawn = scans.filter { $0.finite > 0 }
        guard !drawn.isEmpty else {
            let skipped = scans.reduce(0) { $0 + $1.nan + $1.infinite }
            SVGChart.empty(skipped > 0 ? "Nothing to draw: all \(skipped) values are NaN or infinite" : "No data",
                           size: size, into: &svg)
            return
        }
        let x = AxisTicks(min: drawn.map(\.minX).min()!, max: drawn.map(\.maxX).max()!,
                          target: Swift.max(2, Int(size.width / 90)))
        let y = AxisTicks(min: drawn.map(\.minY).min()!, max: drawn.map(\.maxY).max()!,
                          target: Swift.max(2, Int(size.height / 50)))
        let names = chart.series.map(\.name)
        let area = SVGChart.frame(chart, size: size, x: x, y: y,
                                  notes: SVGChart.skippedNotes(scans, names: names), into: &svg)
        for (i, series) in chart.series.enumerated() where scans[i].finite > 0 {
            let color = ChartPalette.color(i)
            if chart.kind == .scatter {
                let dots = SeriesReduction.scatter(series, count: scans[i].count, area: area)
                svg.raw(dotsPath(dots, color: color))
            } else {
                let points = SeriesReduction.line(series, count: scans[i].count, area: area)
                svg.raw(linePath(points, color: color))
            }
        }
    }

    /// `<path d="M x,y L x,y x,y …">`; one point is drawn as a dot, since a
    /// path of one point shows nothing.
    static func linePath(_ points: [(x: Double, y: Double)], color: String) -> String {
        guard points.count > 1 else {
            return points.first.map { dotsPath([$0], color: color) } ?? ""
        }
        var d = ""
        d.reserveCapacity(points.count * 12)
        for (i, p) in points.enumerated() {
            d += i == 0 ? "M" : i == 1 ? "L" : " "
            d += SVGNumber.coordinate(p.x)
            d += ","
            d += SVGNumber.coordinate(p.y)
        }
        return "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
    }

    /// Round dots as zero-length path segments with round caps: one
    /// `M x,yh0` each, the smallest way to write a dot.
    static func dotsPath(_ points: [(x: Double, y: Double)], color: String) -> String {
        var d = ""
        d.reserveCapacity(points.count * 12)
        for p in points {
            d += "M"
            d += SVGNumber.coordinate(p.x)
            d += ","
            d += SVGNumber.coordinate(p.y)
            d += "h0"
        }
        return "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"5\" stroke-linecap=\"round\"/>\n"
    }
}
