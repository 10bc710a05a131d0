import Foundation
import SpindlePlot
import SpindleValue

// Times the charts the shell draws for `plot(x)`, `hist(x)`, `scatter(x, y)`
// and `heatmap(m)` on 10 million doubles: the best and the median of N
// repetitions, each drawing the whole chart to text (Benchmarks/plots/run).

let count = Int(CommandLine.arguments.dropFirst().first { Int($0) != nil } ?? "") ?? 10_000_000
let reps = 7
var g = SystemRandomNumberGenerator()
var xs = [Double](repeating: 0, count: count)
var walk = 0.0
for i in 0..<count { walk += Double.random(in: -1...1, using: &g); xs[i] = walk }
xs[count / 3] = .nan
let y = NumericArray(xs)
let x = NumericArray((0..<count).map(Double.init))
let matrix = try! NumericArray(xs, shape: [1000, count / 1000])
let style = PlotStyle(width: 100, height: 12, color: false)

func time(_ name: String, _ body: () throws -> String) rethrows {
    var samples: [Double] = []
    var size = 0
    for _ in 0..<reps {
        let t0 = DispatchTime.now().uptimeNanoseconds
        size = try body().count
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    samples.sort()
    print(name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "best %6.1f ms  median %6.1f ms  (%d characters)", samples[0], samples[reps / 2], size))
}

print("charts of \(count) doubles, \(reps) repetitions, 100×12")
try time("plot(y)") { try TerminalChart.line([PlotSeries(y: y)], style: style) }
try time("plot(x, y)") { try TerminalChart.line([PlotSeries(x: x, y: y)], style: style) }
try time("hist(y)") { try TerminalChart.histogram(y, bins: nil, style: style) }
try time("hist(y, 50)") { try TerminalChart.histogram(y, bins: 50, style: style) }
try time("scatter(x, y)") { try TerminalChart.scatter([PlotSeries(x: x, y: y)], style: style) }
try time("heatmap(1000 × 10000)") { try TerminalChart.heatmap(matrix, style: style) }
time("sparkline (vars)") { Sparkline.of(y, width: 16) }
