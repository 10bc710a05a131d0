import SpindleValue

extension TerminalChart {
    /// A heatmap of a rank-2 array: one cell per element, row 0 at the top,
    /// shaded ` ░▒▓█` from the minimum to the maximum in five equal steps, or
    /// with ``PlotStyle/color`` on, as background colours of a fixed 14-step
    /// ramp (dark purple to yellow).
    ///
    /// Cells are two columns wide while the matrix fits (terminal cells are
    /// about twice as tall as wide). A matrix with more rows than
    /// ``PlotStyle/height`` or more columns than fit the width is reduced by
    /// averaging blocks of elements, one pass, so each cell is a block's mean
    /// of its finite values; a block with none is `·`. Under the map: the
    /// scale (`min [ ░▒▓█] max`), the array's type and shape, and what was skipped.
    public static func heatmap(_ matrix: NumericArray, title: String? = nil,
                               style: PlotStyle = PlotStyle()) throws(PlotError) -> String {
        try style.checkHeight()
        guard matrix.rank == 2 else {
            throw PlotError("heatmap needs a rank-2 array (rows × columns), found [\(matrix.elementType.name)] "
                            + "of shape [\(matrix.shape.map(String.init).joined(separator: ", "))]")
        }
        let rows = matrix.shape[0], columns = matrix.shape[1]
        guard rows > 0 && columns > 0 else {
            throw PlotError("nothing to plot: the matrix is empty (shape [\(rows), \(columns)])")
        }

        // Row indices label the left: the first, the middle and the last row.
        let cellRows = min(rows, style.height)
        let rowTicks = AxisLabels.ticks(lo: 0, hi: Double(rows - 1), count: 3, integral: true)
        let rowText = AxisLabels.format(rowTicks)
        let labelWidth = rowText.map(\.count).max() ?? 1
        let available = try ChartFrame.canvasColumns(width: style.width, labelWidth: labelWidth,
                                                     minimum: min(8, columns))
        let cellColumns = min(columns, available)
        let cellWidth = columns * 2 <= available ? 2 : 1

        let blocks = BlockMeans(rows: rows, columns: columns, cellRows: cellRows, cellColumns: cellColumns)
        let (means, skipped) = matrix.visitElements(blocks)
        var range = FiniteRange()
        for case let m? in means { range.include(m) }
        guard !range.isEmpty else { throw PlotError("nothing to plot: " + skipped.allSkipped(of: matrix.count)) }

        let shades = [" ", "░", "▒", "▓", "█"], ramp = Palette.ramp
        // Where a value lies between the minimum and the maximum, 0...1 (0.5 for a constant matrix).
        let spread = range.hi * 0.5 - range.lo * 0.5
        let fraction: (Double) -> Double = { v in spread > 0 ? min(1, max(0, (v * 0.5 - range.lo * 0.5) / spread)) : 0.5 }
        var frame = ChartFrame(title: title, width: style.width, labelWidth: labelWidth,
                               axisColumns: cellColumns * cellWidth)
        for r in 0..<cellRows {
            var line = StyledLine()
            for c in 0..<cellColumns {
                guard let m = means[r * cellColumns + c] else {
                    line.append(String(repeating: "·", count: cellWidth))
                    continue
                }
                let f = fraction(m)
                if style.color {
                    line.append(String(repeating: " ", count: cellWidth),
                                background: ramp[min(ramp.count - 1, Int(f * Double(ramp.count)))])
                } else {
                    line.append(String(repeating: shades[min(4, Int(f * 5))], count: cellWidth))
                }
            }
            frame.rows.append(line)
        }
        frame.yLabels = yLabels(rowTicks, rowText, rows: cellRows) { Int($0) * cellRows / rows }
        let columnTicks = AxisLabels.ticks(lo: 0, hi: Double(columns - 1), count: 3, integral: true)
        frame.xLabels = xLabels(columnTicks, AxisLabels.format(columnTicks)) { Int($0) * cellColumns / columns * cellWidth }

        let ends = AxisLabels.format(range.lo < range.hi ? [range.lo, range.hi] : [range.lo])
        var scale = StyledLine(ends[0] + " ")
        if style.color {
            for color in ramp { scale.append(" ", background: color) }
        } else {
            scale.append("[" + shades.joined() + "]")
        }
        scale.append(" " + (ends.count > 1 ? ends[1] : ends[0]) + "   " + matrix.typeName)
        if cellRows < rows || cellColumns < columns {
            scale.append(" as \(cellRows)×\(cellColumns) block means")
        }
        frame.footer = [scale]
        if let note = skipped.note { frame.footer.append(StyledLine(note)) }
        return frame.rendered(color: style.color)
    }
}

/// The mean of the finite elements of each block of a matrix, for a map of
/// `cellRows × cellColumns` cells, in one pass. Input row `r` falls in cell
/// row `r × cellRows / rows`, and likewise for columns. Each element is scaled
/// by its block's size before summing, so no sum overflows.
private struct BlockMeans: ElementVisitor {
    let rows: Int, columns: Int
    let cellRows: Int, cellColumns: Int

    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> ([Double?], SkipCount) {
        let columnCell = (0..<columns).map { $0 * cellColumns / columns }
        var columnSize = Array(repeating: 0, count: cellColumns), rowSize = Array(repeating: 0, count: cellRows)
        for c in columnCell { columnSize[c] += 1 }
        for r in 0..<rows { rowSize[r * cellRows / rows] += 1 }
        let columnWeight = columnCell.map { 1 / Double(columnSize[$0]) }
        var sums = Array(repeating: 0.0, count: cellRows * cellColumns)
        var counts = Array(repeating: 0, count: cellRows * cellColumns)
        var skipped = SkipCount()
        for r in 0..<rows {
            let cellRow = r * cellRows / rows, base = cellRow * cellColumns
            let rowWeight = 1 / Double(rowSize[cellRow])
            for k in 0..<columns {
                let v = p[r * columns + k].plotValue
                if v.isFinite {
                    sums[base + columnCell[k]] += v * rowWeight * columnWeight[k]
                    counts[base + columnCell[k]] += 1
                } else if v.isNaN {
                    skipped.nan += 1
                } else {
                    skipped.infinite += 1
                }
            }
        }
        var means: [Double?] = []
        for r in 0..<cellRows {
            for c in 0..<cellColumns {
                let i = r * cellColumns + c, size = Double(rowSize[r] * columnSize[c])
                means.append(counts[i] == 0 ? nil : sums[i] * (size / Double(counts[i])))
            }
        }
        return (means, skipped)
    }
}
