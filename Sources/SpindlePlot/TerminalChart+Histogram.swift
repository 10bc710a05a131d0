import SpindleValue

extension TerminalChart {
    /// A histogram of the finite values of `values` (of any shape: a matrix's
    /// elements are counted all together), as bars of block characters whose
    /// tops are drawn to an eighth of a row (`▁▂▃▄▅▆▇█`).
    ///
    /// - `bins` given: that many bins of equal width from the minimum to the
    ///   maximum, 1 to the canvas's column count (an error otherwise).
    /// - `bins` nil, whole-number data whose range fits the canvas: one bin
    ///   per integer, labelled at the bars' centres (so `[1, 2, 2, 3, 3, 3]`
    ///   draws three bars, and booleans two).
    /// - Otherwise ⌊√n⌋ bins for n finite values, at least 1 and at most one per column.
    ///
    /// The y axis counts; the x axis shows bin edges (for one bin per
    /// integer, the integers). Under the chart: how many values, how many
    /// bins of what width, and what was skipped. One pass finds the range,
    /// one counts.
    public static func histogram(_ values: NumericArray, bins: Int? = nil, title: String? = nil,
                                 style: PlotStyle = PlotStyle()) throws(PlotError) -> String {
        try style.checkHeight()
        let range = FiniteRange.of(values)
        guard values.count > 0 else { throw PlotError("nothing to plot: the array is empty") }
        guard !range.isEmpty else { throw PlotError("nothing to plot: " + range.skipped.allSkipped(of: values.count)) }
        let n = values.count - range.skipped.total

        // Count labels are at most as long as n (below 1000) or six characters (`999.9k`): the bins
        // are chosen for the columns left beside that much.
        let reserved = n < 1000 ? String(n).count : 6
        let columns = try ChartFrame.canvasColumns(width: style.width, labelWidth: reserved)
        let binning: Binning
        if let bins {
            guard bins >= 1 && bins <= columns else {
                throw PlotError("bins must be between 1 and \(columns) for a chart \(style.width) columns wide, "
                                + "found \(bins)")
            }
            binning = Binning(lo: range.lo, hi: range.hi, bins: bins)
        } else if range.hi - range.lo < Double(columns), abs(range.lo) < 1e15, abs(range.hi) < 1e15,
                  values.visitElements(WholeNumbers()) {
            binning = Binning(unitFrom: range.lo, bins: Int(range.hi - range.lo) + 1)
        } else {
            let root = Int(Double(n).squareRoot())
            binning = Binning(lo: range.lo, hi: range.hi, bins: range.lo == range.hi ? 1 : min(max(root, 1), columns))
        }
        let counts = values.visitElements(BinCounts(binning: binning))
        let bins = binning.bins

        // Bars: each bin's count in eighths of a row, at least one eighth when not empty.
        let height = style.height, most = counts.max() ?? 0
        let eighths: (Int) -> Int = { c in
            c == 0 || most == 0 ? 0 : max(1, Int(Double(c) / Double(most) * Double(8 * height) + 0.5))
        }
        // The labels are known now: columns they leave free widen the bars.
        let yTicks = AxisLabels.ticks(lo: 0, hi: Double(most), count: AxisLabels.tickCount(rows: height), integral: true)
        let yText = AxisLabels.format(yTicks, maxDecimals: 1)
        let labelWidth = yText.map(\.count).max() ?? 1
        let perBin = max(1, (style.width - labelWidth - 2) / bins), barWidth = perBin >= 4 ? perBin - 1 : perBin
        let color = Palette.color(ofSeries: 0)
        var frame = ChartFrame(title: title, width: style.width, labelWidth: labelWidth, axisColumns: perBin * bins)
        for r in 0..<height {
            let floor = (height - 1 - r) * 8
            var row = StyledLine()
            for c in counts {
                let e = eighths(c)
                let top = e >= floor + 8 ? "█" : (e > floor ? Self.eighthBlocks[e - floor - 1] : " ")
                row.append(String(repeating: top, count: barWidth), foreground: top == " " ? nil : color)
                row.append(String(repeating: " ", count: perBin - barWidth))
            }
            frame.rows.append(row)
        }
        frame.yLabels = yLabels(yTicks, yText, rows: height) { t in
            height - 1 - max(0, (eighths(Int(t)) + 7) / 8 - 1)
        }
        let marks = bins == 1 ? [0] : (bins == 2 ? [0, 1] : [0, bins - 1, bins / 2])
        if binning.unit {
            // One bin per integer: the integers under the bars' centres.
            let text = AxisLabels.format(marks.sorted().map { binning.lo + Double($0) })
            let byBin = Dictionary(uniqueKeysWithValues: zip(marks.sorted(), text))
            frame.xLabels = marks.map { ($0 * perBin + (barWidth - 1) / 2, byBin[$0]!) }
        } else {
            // Edges: the lowest, the highest and the middle one, under the bars' sides.
            let edges = bins == 1 ? [0, 1] : [0, bins, bins / 2]
            let text = AxisLabels.format(edges.sorted().map(binning.edge))
            let byEdge = Dictionary(uniqueKeysWithValues: zip(edges.sorted(), text))
            frame.xLabels = edges.map { (min($0 * perBin, perBin * bins - 1), byEdge[$0]!) }
        }
        let width = AxisLabels.format(binning.width)
        frame.footer.append(StyledLine("\(NumberFormatting.count(n)) value\(n == 1 ? "" : "s"), "
                                       + "\(bins) bin\(bins == 1 ? "" : "s") of width \(width)"))
        if let note = range.skipped.note { frame.footer.append(StyledLine(note)) }
        return frame.rendered(color: style.color)
    }

    /// The tops of bars, one to seven eighths of a cell.
    static let eighthBlocks = ["▁", "▂", "▃", "▄", "▅", "▆", "▇"]
}

/// Equal bins from `lo`: which bin a value falls in.
struct Binning {
    let lo: Double
    let bins: Int
    /// Whether the bins are the integers `lo`, `lo + 1`, …
    let unit: Bool
    /// Bins per half unit of value (halved so a range from -1e308 to 1e308 does not overflow).
    private let factor: Double
    private let hi: Double

    /// `bins` bins from `lo` to `hi`; a single value gets a range of width 1 centred on it.
    init(lo: Double, hi: Double, bins: Int) {
        let (l, h) = lo < hi ? (lo, hi) : (lo - 0.5, lo + 0.5)
        self.lo = l
        self.hi = h
        self.bins = bins
        unit = false
        factor = Double(bins) / (h * 0.5 - l * 0.5)
    }

    /// One bin per integer from `lo`.
    init(unitFrom lo: Double, bins: Int) {
        self.lo = lo
        hi = lo + Double(bins)
        self.bins = bins
        unit = true
        factor = 2
    }

    /// The bin of finite `v` (the last bin holds the maximum).
    @inline(__always)
    func bin(_ v: Double) -> Int {
        let f = (v * 0.5 - lo * 0.5) * factor
        return f <= 0 ? 0 : min(Int(f), bins - 1)
    }

    /// The lower edge of bin `j` (`edge(bins)` is the top of the last).
    func edge(_ j: Int) -> Double {
        j == bins ? hi : lo * (1 - Double(j) / Double(bins)) + hi * (Double(j) / Double(bins))
    }

    /// The width of one bin.
    var width: Double { unit ? 1 : (hi * 0.5 - lo * 0.5) / Double(bins) * 2 }
}

/// Whether every finite element is a whole number; stops at the first that is not.
/// Only asked once the range is known to lie within ±1e15, so the conversion to Int64 is safe.
private struct WholeNumbers: ElementVisitor {
    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> Bool {
        guard E.canBeNonFinite else { return true }
        for e in p {
            let v = e.plotValue
            if v.isFinite && Double(Int64(v)) != v { return false }
        }
        return true
    }
}

/// The count of finite elements in each bin: one pass.
private struct BinCounts: ElementVisitor {
    let binning: Binning

    func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> [Int] {
        var counts = Array(repeating: 0, count: binning.bins)
        counts.withUnsafeMutableBufferPointer { c in
            if E.canBeNonFinite {
                for e in p {
                    let v = e.plotValue
                    if v.isFinite { c[binning.bin(v)] &+= 1 }
                }
            } else {
                for e in p { c[binning.bin(e.plotValue)] &+= 1 }
            }
        }
        return counts
    }
}
