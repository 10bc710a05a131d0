/// The layout every chart shares, so they all read alike:
///
/// ```
///               title, centred
///   label ┤ canvas row           y labels right-aligned, ┤ where a tick is
///         │ canvas row
///         └──┬──────────┬──      x axis, ┬ under each x label's anchor
///            0          49       x labels, kept apart, dropped when they collide
///   legend and notes
/// ```
///
/// Lines never end in blanks and never run past `width` columns.
struct ChartFrame {
    var title: String?
    /// The total width the chart may take (``PlotStyle/width``).
    var width: Int
    /// The columns reserved for y labels.
    var labelWidth: Int
    /// The y labels, by canvas row (0 at the top).
    var yLabels: [Int: String] = [:]
    /// The canvas rows, top first.
    var rows: [StyledLine] = []
    /// How many columns the x axis runs under the canvas.
    var axisColumns: Int
    /// The x labels, each centred on a canvas column where it fits, most important first:
    /// a label that would touch one already placed is dropped.
    var xLabels: [(anchor: Int, text: String)] = []
    /// Lines under the chart (legend entries, notes), each cut to `width`.
    var footer: [StyledLine] = []

    /// The columns of the gutter left of the canvas: the labels, a space and the axis.
    var gutter: Int { labelWidth + 2 }

    /// The canvas columns a chart `width` wide has beside labels `labelWidth` wide,
    /// or an error when that leaves fewer than `minimum`.
    static func canvasColumns(width: Int, labelWidth: Int, minimum: Int = 8) throws(PlotError) -> Int {
        let columns = width - labelWidth - 2
        guard columns >= minimum else {
            throw PlotError("width \(width) is too narrow for this chart: it needs at least "
                            + "\(labelWidth + 2 + minimum) columns (its y labels take \(labelWidth))")
        }
        return columns
    }

    func rendered(color: Bool) -> String {
        var lines: [StyledLine] = []
        let chartWidth = gutter + axisColumns
        if let title, !title.isEmpty {
            let t = Self.cut(title, to: width)
            lines.append(StyledLine(String(repeating: " ", count: max(0, (chartWidth - t.count) / 2)) + t))
        }
        for (r, row) in rows.enumerated() {
            let label = yLabels[r] ?? ""
            var line = StyledLine(String(repeating: " ", count: max(0, labelWidth - label.count)) + label
                                  + (label.isEmpty ? " │" : " ┤"))
            line.append(row)
            lines.append(line)
        }
        let (axis, labels) = placedXLabels()
        lines.append(StyledLine(String(repeating: " ", count: labelWidth) + " └" + axis))
        lines.append(StyledLine(String(repeating: " ", count: gutter) + labels))
        for f in footer { lines.append(Self.cut(f, to: width)) }
        return lines.map { line in
            var l = line
            l.trimTrailingSpaces()
            return l.rendered(color: color)
        }.joined(separator: "\n")
    }

    /// The x axis (with a ┬ under each placed label's anchor) and the line of labels.
    private func placedXLabels() -> (axis: String, labels: String) {
        var axis = Array(repeating: Character("─"), count: axisColumns)
        var text = Array(repeating: Character(" "), count: axisColumns)
        var taken: [ClosedRange<Int>] = []
        for (anchor, label) in xLabels {
            let w = label.count
            guard w <= axisColumns, anchor >= 0, anchor < axisColumns else { continue }
            let start = min(max(0, anchor - (w - 1) / 2), axisColumns - w)
            let span = start...(start + w - 1)
            // One blank column at least between neighbouring labels.
            guard !taken.contains(where: { $0.overlaps((span.lowerBound - 1)...(span.upperBound + 1)) }) else { continue }
            taken.append(span)
            for (i, ch) in label.enumerated() { text[start + i] = ch }
            axis[anchor] = "┬"
        }
        return (String(axis), String(text))
    }

    /// `text` cut to `width` characters, ending in `…` when cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        return width <= 0 ? "" : String(text.prefix(width - 1)) + "…"
    }

    static func cut(_ line: StyledLine, to width: Int) -> StyledLine {
        guard line.width > width else { return line }
        var out = StyledLine(), left = width - 1
        for run in line.runs where left > 0 {
            let part = String(run.text.prefix(left))
            out.append(part, foreground: run.foreground, background: run.background)
            left -= part.count
        }
        out.append("…")
        return out
    }

    /// Legend entries laid out left to right, three spaces apart, wrapped at `width`.
    static func wrap(_ entries: [StyledLine], width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [], current = StyledLine()
        for entry in entries {
            if current.width > 0 && current.width + 3 + entry.width > width {
                lines.append(current)
                current = StyledLine()
            }
            if current.width > 0 { current.append("   ") }
            current.append(entry)
        }
        if current.width > 0 { lines.append(current) }
        return lines
    }
}
