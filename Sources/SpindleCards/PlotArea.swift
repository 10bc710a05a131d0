/// The rectangle a chart's data is drawn in, and the maps from data to
/// pixels. y grows upward in data and downward in SVG.
struct PlotArea {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var x: AxisTicks
    var y: AxisTicks

    var right: Double { left + width }
    var bottom: Double { top + height }

    func px(_ v: Double) -> Double {
        let span = x.upper - x.lower
        return left + (span > 0 ? (v - x.lower) / span * width : width / 2)
    }

    func py(_ v: Double) -> Double {
        let span = y.upper - y.lower
        return bottom - (span > 0 ? (v - y.lower) / span * height : height / 2)
    }

    /// Whole pixel columns across the area: the resolution a large series
    /// is reduced to.
    var columns: Int { Swift.max(1, Int(width.rounded(.down))) }
}
