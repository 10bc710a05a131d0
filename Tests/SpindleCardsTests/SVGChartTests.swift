import Foundation
import Testing
import SpindleCards

/// Charts: what is drawn for small input, how small large input stays, and
/// that values that cannot be drawn are skipped and said so.
@Suite("SVG charts")
struct SVGChartTests {
    /// The `d` of each series' line (the only paths drawn 1.5 wide).
    static func linePaths(_ svg: String) -> [String] {
        ScannedHTML(svg).tags.filter { $0.name == "path" && $0.attribute("stroke-width") == "1.5" }
            .compactMap { $0.attribute("d") }
    }

    /// The points of a path written `M x,y L x,y x,y …`.
    static func points(_ d: String) -> [(x: Double, y: Double)] {
        d.replacingOccurrences(of: "M", with: " ").replacingOccurrences(of: "L", with: " ")
            .split(separator: " ").map { pair in
                let xy = pair.split(separator: ",")
                return (Double(xy[0])!, Double(xy[1])!)
            }
    }

    /// The text of each `<title>` of a bar (histogram bins, bars).
    static func barTitles(_ svg: String) -> [String] {
        svg.components(separatedBy: "<title>").dropFirst(2).map { $0.components(separatedBy: "</title>")[0] }
    }

    @Test("a small line keeps every point, left to right")
    func smallLine() throws {
        let y = (0..<50).map { sin(Double($0) / 5) }
        let svg = SVGChart.svg(CardChart(.line, series: [CardSeries("s", y: y)]))
        let paths = Self.linePaths(svg)
        try #require(paths.count == 1)
        let points = Self.points(paths[0])
        #expect(points.count == 50)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.x < $1.x })
        // y grows upward: the largest value is drawn highest.
        let top = points.min { $0.y < $1.y }!
        #expect(abs(top.x - points[8].x) < 0.01)  // sin peaks near i = 8 (8/5 ≈ π/2)
    }

    @Test("NaN and infinities are skipped and counted in a note")
    func skipped() throws {
        var y = (0..<50).map(Double.init)
        y[3] = .nan; y[10] = .nan; y[20] = .nan; y[30] = .infinity
        let svg = SVGChart.svg(CardChart(.line, series: [CardSeries(y: y)]))
        let points = Self.points(try #require(Self.linePaths(svg).first))
        #expect(points.count == 46)
        #expect(svg.contains(">3 NaN and 1 ±inf skipped</text>"))
        #expect(!svg.lowercased().contains("nan,") && !svg.contains("inf,"))
        // x given with a NaN in it skips that point too.
        let xy = SVGChart.svg(CardChart(.scatter, series: [CardSeries(x: [1, .nan, 3], y: [1, 2, 3])]))
        #expect(occurrences(of: "h0", in: xy) == 2)
        #expect(xy.contains(">1 NaN skipped</text>"))
    }

    @Test("ten million points make a small SVG that still shows a spike")
    func tenMillion() throws {
        let n = 10_000_000
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { y[i] = Double(i % 1000) / 1000 }
        y[5_000_000] = 100
        let svg = SVGChart.svg(CardChart(.line, series: [CardSeries(y: y)]), width: 640, height: 320)
        #expect(svg.utf8.count < 40_000, "\(svg.utf8.count) bytes")
        let points = Self.points(try #require(Self.linePaths(svg).first))
        #expect(points.count <= 2 * 640)
        #expect(points.count > 500)
        // The spike is at the top of the plot: nothing is higher, and it is
        // well above the rest (which stays between 0 and 1 of 100).
        let highest = points.map(\.y).min()!
        let rest = points.map(\.y).sorted()[1]
        #expect(rest - highest > 200)
    }

    @Test("a large line reduces the same with x given as its indices")
    func reductionPaths() {
        var y = (0..<100_000).map { sin(Double($0) / 700) * Double($0 % 13) }
        y[17] = .nan; y[50_000] = 1e3; y[99_999] = -.infinity
        let byIndex = SVGChart.svg(CardChart(.line, series: [CardSeries(y: y)]))
        let byX = SVGChart.svg(CardChart(.line, series: [CardSeries(x: (0..<100_000).map(Double.init), y: y)]))
        #expect(byIndex == byX)
        #expect(Self.points(Self.linePaths(byIndex)[0]).count <= 2 * 640)
    }

    @Test("a large scatter keeps one dot per occupied cell")
    func largeScatter() {
        let n = 200_000
        let x = (0..<n).map { Double($0 % 997) }, y = (0..<n).map { Double($0 % 991) }
        let svg = SVGChart.svg(CardChart(.scatter, series: [CardSeries(x: x, y: y)]))
        #expect(svg.utf8.count < 400_000)
        #expect(occurrences(of: "h0", in: svg) < 640 * 320 / 9)
    }

    @Test("histogram bins: requested, one per integer, and √n")
    func histogram() {
        let given = SVGChart.svg(CardChart(.histogram, series: [CardSeries(y: [0, 0.5, 1.5, 1.6, 2.5, 3.9, 4, .nan])], bins: 4))
        #expect(Self.barTitles(given) == ["[0, 1): 2", "[1, 2): 2", "[2, 3): 1", "[3, 4]: 2"])
        #expect(given.contains(">1 NaN skipped</text>"))
        #expect(given.contains(">7 values, 4 bins of width 1</text>"))

        let integers = SVGChart.svg(CardChart(.histogram, series: [CardSeries(y: [1, 2, 2, 3, 3, 3])]))
        #expect(Self.barTitles(integers) == ["[0.5, 1.5): 1", "[1.5, 2.5): 2", "[2.5, 3.5]: 3"])

        let spread = (0..<100).map { Double($0) * 0.37 }
        let root = SVGChart.svg(CardChart(.histogram, series: [CardSeries(y: spread)]))
        #expect(root.contains(">100 values, 10 bins of width 3.663</text>"))
        let counts = Self.barTitles(root).map { Int($0.components(separatedBy: ": ")[1])! }
        #expect(counts.reduce(0, +) == 100)
        #expect(counts == [10, 10, 10, 10, 10, 10, 10, 10, 10, 10])
    }

    @Test("bars: one per category and series, named in their tooltips")
    func bars() {
        let svg = SVGChart.svg(CardChart(.bar, series: [CardSeries("p", y: [0.9, -0.2]), CardSeries("r", y: [0.5, .nan])],
                                         labels: ["cat", "dog"]))
        #expect(Self.barTitles(svg) == ["p, cat: 0.9", "p, dog: -0.2", "r, cat: 0.5"])
        #expect(svg.contains(">cat</text>") && svg.contains(">dog</text>"))
        #expect(svg.contains(">p</text>") && svg.contains(">r</text>"))  // the legend
    }

    @Test("nothing to draw is a message inside the SVG", arguments: [
        (CardChart(.line, title: "Empty", series: []), "No data"),
        (CardChart(.line, series: [CardSeries(y: [.nan, .nan])]), "Nothing to draw: all 2 values are NaN or infinite"),
        (CardChart(.histogram, series: [CardSeries(y: [])]), "No data"),
        (CardChart(.bar, series: [CardSeries(y: [.infinity])]), "Nothing to draw: no finite values"),
    ])
    func empty(chart: CardChart, message: String) {
        let svg = SVGChart.svg(chart)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains(">\(message)</text>"))
        #expect(!svg.contains("<path"))
    }

    @Test("axes: a title, labels at nice steps, and the size asked for")
    func axes() {
        let svg = SVGChart.svg(CardChart(.line, title: "Loss", xLabel: "epoch", yLabel: "loss",
                                         series: [CardSeries(y: [0, 0.5, 1, 1.5, 2])]), width: 500, height: 250)
        #expect(svg.contains("width=\"500\" height=\"250\" viewBox=\"0 0 500 250\""))
        #expect(svg.contains("<title>Loss</title>"))
        for label in [">0</text>", ">0.5</text>", ">1.0</text>", ">1.5</text>", ">2.0</text>", ">epoch</text>", ">loss</text>"] {
            #expect(svg.contains(label), "\(label)")
        }
        // One unnamed series: no legend.
        #expect(!svg.contains("stroke-width=\"3\""))
    }

    @Test("y labels are written alike along the axis", arguments: [
        (0.0, 1e-3, ["0", "0.0002", "0.0004", "0.0006", "0.0008", "0.0010"]),
        (-3e-5, 7.5e-5, ["-2e-5", "0", "2e-5", "4e-5", "6e-5"]),
        (1.0, 1.00001, ["1.000000", "1.000002", "1.000004", "1.000006", "1.000008", "1.000010"]),
        (0.0, 2e17, ["0", "5e16", "1e17", "1.5e17", "2e17"]),
        (0.0, 12345.0, ["0", "2.5k", "5.0k", "7.5k", "10.0k", "12.5k"]),
        (-1e6, 3e6, ["-1M", "0", "1M", "2M", "3M"]),
        (5.0, 5.0, ["4.6", "4.8", "5.0", "5.2", "5.4"]),
    ])
    func yLabels(low: Double, high: Double, labels: [String]) {
        let svg = SVGChart.svg(CardChart(.line, series: [CardSeries(x: [0, 1], y: [low, high])]))
        let found = svg.components(separatedBy: "text-anchor=\"end\" fill-opacity=\"0.75\">").dropFirst()
            .map { $0.components(separatedBy: "<")[0] }
        #expect(found == labels)
    }

    @Test("the same chart gives the same bytes")
    func deterministic() {
        let make = { CardChart(.line, title: "t", series: [CardSeries("a", y: (0..<3000).map { sin(Double($0)) })]) }
        #expect(SVGChart.svg(make()) == SVGChart.svg(make()))
    }
}
