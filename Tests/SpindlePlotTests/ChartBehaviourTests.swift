import Testing
import SpindleValue
@testable import SpindlePlot

/// What every chart promises: its width, its notes, its errors, its colour, its scale.
@Suite("Chart behaviour")
struct ChartBehaviourTests {
    /// The visible width of each line: ANSI colour codes take no columns.
    static func widths(_ text: String) -> [Int] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var n = 0, inEscape = false
            for ch in line {
                if inEscape { inEscape = ch != "m" } else if ch == "\u{1B}" { inEscape = true } else { n += 1 }
            }
            return n
        }
    }

    static func sine(_ n: Int, scale: Double = 1) -> [Double] {
        (0..<n).map { scale * (Double($0) / 7).squareRoot() * ((Double($0) / 5).truncatingRemainder(dividingBy: 2) - 1) }
    }

    /// Every kind of chart, with a title, a legend and notes, at `style`.
    static func allCharts(_ style: PlotStyle) throws(PlotError) -> [String] {
        var ys = sine(300, scale: 1234.5)
        ys[17] = .nan
        ys[40] = .infinity
        let a = NumericArray(ys), b = NumericArray(sine(120, scale: -0.00042))
        let series = [PlotSeries(name: "out.losses", y: a),
                      PlotSeries(name: "a series with a rather long name indeed", y: b)]
        let x = NumericArray((0..<300).map { Double($0) * 1e6 })
        let title = "a title that is long enough to need cutting at small widths"
        return [
            try TerminalChart.line(series, title: title, style: style),
            try TerminalChart.scatter(series + [PlotSeries(name: "xy", x: x, y: a)], title: title, style: style),
            try TerminalChart.histogram(a, title: title, style: style),
            try TerminalChart.histogram(NumericArray((0..<5000).map { Int64($0 % 37) }), style: style),
            try TerminalChart.heatmap(try! NumericArray(sine(300 * 40), shape: [300, 40]), title: title, style: style),
            try TerminalChart.heatmap(try! NumericArray(sine(6), shape: [2, 3]), style: style),
        ]
    }

    @Test("no line is wider than the style's width, with colour or without", arguments: [false, true])
    func widthBound(color: Bool) throws {
        var drawn = 0
        for width in 10...160 {
            for height in [2, 3, 7, 14] {
                do {
                    for chart in try Self.allCharts(PlotStyle(width: width, height: height, color: color)) {
                        let w = Self.widths(chart)
                        #expect(w.allSatisfy { $0 <= width }, "width \(width) height \(height):\n\(chart)")
                        #expect(chart.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
                    }
                    drawn += 1
                } catch {
                    #expect(width < 24, "width \(width) failed: \(error)")
                    #expect(error.message.hasPrefix("width \(width) is too narrow for this chart"))
                }
            }
        }
        #expect(drawn >= 4 * 137)
    }

    @Test("default width 72 is filled by a line chart")
    func defaultWidth() throws {
        let text = try TerminalChart.line([PlotSeries(y: NumericArray(Self.sine(1000)))])
        #expect(Self.widths(text).max() == 72)
        #expect(text.split(separator: "\n").count == 14 + 2)
    }

    @Test("NaN and infinities are skipped and counted under the chart")
    func skippedNotes() throws {
        let y = NumericArray([1, .nan, 2, .nan, 3, .infinity, .nan, -.infinity] as [Double])
        let line = try TerminalChart.line([PlotSeries(y: y)], style: PlotStyle(width: 40, height: 4))
        #expect(line.hasSuffix("\n3 NaN and 2 ±inf skipped"))
        let hist = try TerminalChart.histogram(NumericArray([1, 2, .nan] as [Float]), style: PlotStyle(width: 40, height: 4))
        #expect(hist.hasSuffix("\n2 values, 2 bins of width 1\n1 NaN skipped"))
        let two = try TerminalChart.scatter([PlotSeries(name: "a", y: NumericArray([1.0, 2])),
                                             PlotSeries(name: "b", y: NumericArray([.infinity, 2] as [Double]))],
                                            style: PlotStyle(width: 40, height: 4))
        #expect(two.hasSuffix("\n• a   • b\nb: 1 ±inf skipped"))
        let heat = try TerminalChart.heatmap(try NumericArray([1, .nan, 3, 4], shape: [2, 2]), style: PlotStyle(width: 30, height: 4))
        #expect(heat.hasSuffix("\n1 NaN skipped"))
        #expect(heat.contains("0 ┤  ··"))
        // A point with a NaN x is skipped too.
        let xy = try TerminalChart.line([PlotSeries(x: NumericArray([0, .nan, 2] as [Double]), y: NumericArray([1.0, 2, 3]))],
                                        style: PlotStyle(width: 40, height: 4))
        #expect(xy.hasSuffix("\n1 NaN skipped"))
    }

    @Test("errors say what was wrong and what was found")
    func errors() {
        #expect(throws: PlotError("heatmap needs a rank-2 array (rows × columns), found [Double] of shape [10]")) {
            try TerminalChart.heatmap(NumericArray(Array(repeating: 1.0, count: 10)))
        }
        #expect(throws: PlotError("nothing to plot: all 12 values are NaN")) {
            try TerminalChart.line([PlotSeries(y: NumericArray(Array(repeating: Double.nan, count: 12)))])
        }
        #expect(throws: PlotError("nothing to plot: all 3 values are NaN or ±inf")) {
            try TerminalChart.histogram(NumericArray([.nan, .infinity, .nan] as [Double]))
        }
        #expect(throws: PlotError("nothing to plot: the array is empty")) {
            try TerminalChart.histogram(NumericArray([] as [Double]))
        }
        #expect(throws: PlotError("nothing to plot: the array is empty")) {
            try TerminalChart.scatter([PlotSeries(y: NumericArray([] as [Int]))])
        }
        #expect(throws: PlotError("nothing to plot: no series given")) {
            try TerminalChart.line([])
        }
        #expect(throws: PlotError("nothing to plot: none of the 2 series has a finite value")) {
            try TerminalChart.line([PlotSeries(y: NumericArray([Double.nan])), PlotSeries(y: NumericArray([] as [Double]))])
        }
        #expect(throws: PlotError("x has 10 elements but y has 12")) {
            try TerminalChart.line([PlotSeries(x: NumericArray(Array(repeating: 1.0, count: 10)),
                                               y: NumericArray(Array(repeating: 1.0, count: 12)))])
        }
        #expect(throws: PlotError("b: x has 1 elements but y has 2")) {
            try TerminalChart.scatter([PlotSeries(name: "a", y: NumericArray([1.0])),
                                       PlotSeries(name: "b", x: NumericArray([1.0]), y: NumericArray([1.0, 2]))])
        }
        #expect(throws: PlotError("a line chart needs y as a one-dimensional array (or a single column), "
                                  + "found [Double 2×3]; plot one column or row at a time")) {
            try TerminalChart.line([PlotSeries(y: try NumericArray([1, 2, 3, 4, 5, 6], shape: [2, 3]))])
        }
        #expect(throws: PlotError("bins must be between 1 and 69 for a chart 72 columns wide, found 100")) {
            try TerminalChart.histogram(NumericArray([1.0, 2, 3]), bins: 100)
        }
        #expect(throws: PlotError("bins must be between 1 and 69 for a chart 72 columns wide, found 0")) {
            try TerminalChart.histogram(NumericArray([1.0, 2, 3]), bins: 0)
        }
        #expect(throws: PlotError("height must be at least 2 rows, found 1")) {
            try TerminalChart.line([PlotSeries(y: NumericArray([1.0]))], style: PlotStyle(height: 1))
        }
        #expect(throws: PlotError("nothing to plot: the matrix is empty (shape [0, 3])")) {
            try TerminalChart.heatmap(try NumericArray([], shape: [0, 3]))
        }
        #expect(throws: PlotError("width 12 is too narrow for this chart: it needs at least 14 columns (its y labels take 4)")) {
            try TerminalChart.line([PlotSeries(y: NumericArray([0.5, 1]))], style: PlotStyle(width: 12))
        }
    }

    @Test("a spike among ten million points reaches its height: each column spans its minimum to its maximum")
    func spikeInTenMillion() throws {
        let n = 10_000_000
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { y[i] = Double(i % 1000) / 1000 }
        y[6_543_210] = 100
        let style = PlotStyle(width: 60, height: 10)
        let rows = try TerminalChart.line([PlotSeries(y: NumericArray(y))], style: style)
            .split(separator: "\n").map { Array($0) }
        #expect(rows[0].starts(with: Array("100 ┤")))
        let canvas = rows[0..<10]
        // Some column has a dot in every row: the spike, drawn from the floor to the top.
        let full = (5..<60).filter { c in canvas.allSatisfy { c < $0.count && $0[c] != " " } }
        #expect(full.count == 1)
        // …at the spike's place: 6 543 210 of 10 000 000, on 55 columns.
        if let c = full.first { #expect(abs(Double(c - 5) - 0.654321 * 54) <= 1) }
        // The histogram counts every element once.
        let hist = try TerminalChart.histogram(NumericArray(y), style: style)
        #expect(hist.contains("10 000 000 values, 52 bins of width 1.923"))
    }

    @Test("colour off: no escape codes at all; colour on: ANSI 256-colour codes", arguments: [false, true])
    func colour(color: Bool) throws {
        for chart in try Self.allCharts(PlotStyle(color: color)) {
            #expect(chart.contains("\u{1B}") == color)
            if color { #expect(chart.contains("\u{1B}[38;5;") || chart.contains("\u{1B}[48;5;")) }
        }
        #expect(!Sparkline.of(NumericArray(Self.sine(100)), width: 10).contains("\u{1B}"))
    }

    @Test("the same input draws the same text")
    func deterministic() throws {
        let a = try Self.allCharts(PlotStyle(width: 70, height: 9, color: true))
        let b = try Self.allCharts(PlotStyle(width: 70, height: 9, color: true))
        #expect(a == b)
    }

    @Test("integer, float and bool storage draw as their values do")
    func storageTypes() throws {
        let style = PlotStyle(width: 40, height: 6)
        let ints: [Int] = [3, 1, 4, 1, 5, 9, 2, 6]
        let asDouble = try TerminalChart.line([PlotSeries(y: NumericArray(ints.map(Double.init)))], style: style)
        #expect(try TerminalChart.line([PlotSeries(y: NumericArray(ints))], style: style) == asDouble)
        #expect(try TerminalChart.line([PlotSeries(y: NumericArray(ints.map(Int32.init)))], style: style) == asDouble)
        #expect(try TerminalChart.line([PlotSeries(y: NumericArray(ints.map(UInt8.init)))], style: style) == asDouble)
        #expect(try TerminalChart.line([PlotSeries(y: NumericArray(ints.map(Float.init)))], style: style) == asDouble)
        // A column vector is a vector.
        let column = try NumericArray(ints.map(Double.init), shape: [8, 1])
        #expect(try TerminalChart.line([PlotSeries(y: column)], style: style) == asDouble)

        let flags = try TerminalChart.histogram(NumericArray([true, false, true, true]), style: style)
        #expect(flags.hasSuffix("\n4 values, 2 bins of width 1"))
        #expect(flags.contains("\n  └────────┬─────────────────┬─────────\n           0                 1\n"))
    }

    @Test("a constant series is a flat line across the middle, labelled with its value")
    func constant() throws {
        let text = try TerminalChart.line([PlotSeries(y: NumericArray(Array(repeating: 2.5, count: 40)))],
                                          style: PlotStyle(width: 30, height: 5))
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows[2].hasPrefix("2.5 ┤⠤⠤⠤"))
        for r in [0, 1, 3, 4] { #expect(!rows[r].contains(where: { ("\u{2801}"..."\u{28FF}").contains($0) })) }
    }

    @Test("several series share one scale; the legend names each")
    func sharedScale() throws {
        let text = try TerminalChart.line([PlotSeries(name: "small", y: NumericArray([0.0, 1])),
                                           PlotSeries(name: "large", y: NumericArray([0.0, 1, 10]))],
                                          style: PlotStyle(width: 40, height: 5))
        let rows = text.split(separator: "\n")
        #expect(rows[0].hasPrefix("10 ┤"))
        #expect(rows.last == "── small   ── large")
        // x runs over the longer series' indices.
        #expect(rows[rows.count - 2].hasSuffix("2"))
    }

    @Test("explicit x places points by value, not by index")
    func explicitX() throws {
        let style = PlotStyle(width: 30, height: 4)
        let sorted = try TerminalChart.scatter([PlotSeries(x: NumericArray([0.0, 1, 2, 10]), y: NumericArray([0.0, 1, 2, 3]))],
                                               style: style)
        let shuffled = try TerminalChart.scatter([PlotSeries(x: NumericArray([10.0, 2, 0, 1]), y: NumericArray([3.0, 2, 0, 1]))],
                                                 style: style)
        #expect(sorted == shuffled)
        #expect(sorted.contains("0") && sorted.contains("10"))
    }

    @Test("the histogram's bins: √n by default, one per integer for whole numbers, or as asked")
    func bins() throws {
        let style = PlotStyle(width: 72, height: 6)
        let halves = NumericArray((0..<100).map { Double($0) / 2 })
        #expect(try TerminalChart.histogram(halves, style: style).hasSuffix("100 values, 10 bins of width 4.95"))
        #expect(try TerminalChart.histogram(halves, bins: 3, style: style).hasSuffix("100 values, 3 bins of width 16.5"))
        let whole = NumericArray((0..<100).map { Double($0 % 7) })
        #expect(try TerminalChart.histogram(whole, style: style).hasSuffix("100 values, 7 bins of width 1"))
        let constant = NumericArray([0.25, 0.25])
        #expect(try TerminalChart.histogram(constant, style: style).hasSuffix("2 values, 1 bin of width 1"))
    }
}

/// Axis labels: compact, and written alike along an axis.
@Suite("Axis labels")
struct AxisLabelTests {
    @Test("compact forms", arguments: [
        ([1500.0], ["1.5k"]),
        ([0, 0.0125, 0.025], ["0", "0.013", "0.025"]),
        ([-3, 0, 3], ["-3", "0", "3"]),
        ([1e-6, 2e-6], ["1e-06", "2e-06"]),
        ([0, 5e6, 1e7], ["0", "5M", "10M"]),
        ([0.1, 0.2, 0.30000000000000004], ["0.1", "0.2", "0.3"]),
        ([-0.0001, 1, 2], ["0", "1", "2"]),
        ([2e15, 4e15], ["2e+15", "4e+15"]),
        ([3.14159], ["3.142"]),
    ])
    func compact(values: [Double], expected: [String]) {
        #expect(AxisLabels.format(values) == expected)
    }

    @Test("ticks run from the minimum to the maximum; whole ones lose repeats")
    func ticks() {
        #expect(AxisLabels.ticks(lo: 0, hi: 1, count: 5) == [0, 0.25, 0.5, 0.75, 1])
        #expect(AxisLabels.ticks(lo: 0, hi: 2, count: 5, integral: true) == [0, 1, 2])
        #expect(AxisLabels.ticks(lo: 4, hi: 4, count: 5) == [4])
        #expect(AxisLabels.ticks(lo: -1e308, hi: 1e308, count: 3) == [-1e308, 0, 1e308])
    }

    @Test("extreme ranges map without overflow")
    func extremeScale() throws {
        let s = AxisScale(lo: -1e308, hi: 1e308, positions: 11)
        #expect(s.position(-1e308) == 0 && s.position(0) == 5 && s.position(1e308) == 10)
        let text = try TerminalChart.line([PlotSeries(y: NumericArray([-1e308, 1e308, Double.leastNonzeroMagnitude]))],
                                          style: PlotStyle(width: 40, height: 4))
        #expect(text.contains("1e+308"))
        let tiny = AxisScale(lo: 0, hi: Double.leastNonzeroMagnitude, positions: 11)
        #expect(tiny.position(Double.leastNonzeroMagnitude) == 5)
    }
}
