/// The legend of a chart: a swatch in each series' colour and its name, in
/// rows above the plot (so it never hides data), wrapped to the plot's
/// width. Shown for several series or a named single one; at most 12 names
/// (then "and N more"), each cut to 28 characters.
struct ChartLegend {
    static let rowHeight = 16.0

    private var items: [(name: String, color: String, x: Double, row: Int)] = []
    private var more = 0
    /// The room the legend takes above the plot: 0 when it is not shown.
    private(set) var height = 0.0

    init(_ names: [String], width: Double) {
        guard names.count > 1 || names.first.map({ !$0.isEmpty }) == true else { return }
        var x = 0.0, row = 0
        for (i, name) in names.prefix(12).enumerated() {
            let text = SVGWriter.truncated(name.isEmpty ? "(unnamed)" : name, to: 28)
            let itemWidth = 24 + SVGWriter.textWidth(text) + 14
            if x > 0 && x + itemWidth > width {
                x = 0
                row += 1
            }
            items.append((text, ChartPalette.color(i), x, row))
            x += itemWidth
        }
        more = names.count - items.count
        height = Double(row + 1 + (more > 0 ? 1 : 0)) * Self.rowHeight + 4
    }

    /// Draws the rows with their top-left corner at (`left`, `top`).
    func draw(left: Double, top: Double, dots: Bool, into svg: inout SVGWriter) {
        let c = SVGNumber.coordinate
        for item in items {
            let mid = top + Double(item.row) * Self.rowHeight + 8
            let x = left + item.x
            if dots {
                svg.raw("<circle cx=\"\(c(x + 9))\" cy=\"\(c(mid))\" r=\"3.5\" fill=\"\(item.color)\"/>\n")
            } else {
                svg.raw("<line x1=\"\(c(x + 2))\" y1=\"\(c(mid))\" x2=\"\(c(x + 18))\" y2=\"\(c(mid))\" stroke=\"\(item.color)\" stroke-width=\"3\"/>\n")
            }
            svg.text(item.name, x: x + 24, y: mid + 4)
        }
        if more > 0 {
            let row = (items.last?.row ?? 0) + 1
            svg.text("and \(more) more", x: left, y: top + Double(row) * Self.rowHeight + 12, size: 10, opacity: 0.7)
        }
    }
}
