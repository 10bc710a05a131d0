import Testing
import SpindleValue
import SpindlePlot

/// Small charts whose every character is known: any change to layout,
/// scaling, labels or glyphs shows here first.
@Suite("Exact charts")
struct ExactChartTests {
    let small = PlotStyle(width: 30, height: 5)

    @Test("a line of five points")
    func fivePointLine() throws {
        let text = try TerminalChart.line([PlotSeries(y: NumericArray([1.0, 3, 2, 5, 4]))], style: small)
        #expect(text == """
            5 ┤                  ⢀⠔⠉⠒⠤⢄⣀
              │                 ⡔⠁      ⠉⠒
            3 ┤     ⣀⠔⠢⠤⣀     ⡠⠊
              │  ⢀⠤⠊     ⠉⠑⠒⠤⠊
            1 ┤⡠⠒⠁
              └┬────────────┬────────────┬
               0            2            4
            """)
    }

    @Test("a histogram of [1, 2, 2, 3, 3, 3]: one bar per integer, counts to the left")
    func histogram() throws {
        let text = try TerminalChart.histogram(NumericArray([1.0, 2, 2, 3, 3, 3]), style: PlotStyle(width: 30, height: 4))
        #expect(text == """
            3 ┤                  ████████
              │         ▅▅▅▅▅▅▅▅ ████████
              │▃▃▃▃▃▃▃▃ ████████ ████████
            0 ┤████████ ████████ ████████
              └───┬────────┬────────┬─────
                  1        2        3
            6 values, 3 bins of width 1
            """)
    }

    @Test("a 2×3 heatmap: five shades from the minimum to the maximum")
    func heatmap() throws {
        let m = try NumericArray([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let text = try TerminalChart.heatmap(m, title: "m", style: PlotStyle(width: 30, height: 4))
        #expect(text == """
                m
            0 ┤  ░░▒▒
            1 ┤▓▓████
              └┬─┬─┬─
               0 1 2
            1 [ ░▒▓█] 6   [Double 2×3]
            """)
    }

    @Test("sparklines: one character per element, or the mean of each run")
    func sparkline() {
        #expect(Sparkline.of(NumericArray([1.0, 2, 3, 4, 5, 6, 7, 8]), width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.of(NumericArray([1.0, 2, 3, 4, 5, 6, 7, 8]), width: 4) == "▁▃▆█")
        #expect(Sparkline.of(NumericArray([8, 1, .nan, 1] as [Double]), width: 10) == "█▁ ▁")
        #expect(Sparkline.of(NumericArray([2, 2, 2] as [Int]), width: 10) == "▄▄▄")
        #expect(Sparkline.of(NumericArray([.nan, .infinity] as [Double]), width: 10) == "")
        #expect(Sparkline.of(NumericArray([] as [Double]), width: 10) == "")
        #expect(Sparkline.of(NumericArray([1.0, 2]), width: 0) == "")
    }

    @Test("a title is centred over the chart and cut with … when too long")
    func title() throws {
        let y = NumericArray([1.0, 2])
        let centred = try TerminalChart.line([PlotSeries(y: y)], title: "abc", style: small)
        #expect(centred.split(separator: "\n").first == "             abc")
        let long = try TerminalChart.line([PlotSeries(y: y)], title: String(repeating: "x", count: 40), style: small)
        #expect(long.split(separator: "\n").first == Substring(String(repeating: "x", count: 29) + "…"))
    }
}
