import Foundation
import SpindleLanguage
import SpindlePlot
import SpindleValue

/// Pictures in the terminal: `plot`, `hist`, `scatter`, `heatmap` alone on a
/// line draw their chart (braille and block characters, colour on a terminal
/// only, the same text for the same values, so transcripts check them), and
/// a sparkline sits beside numeric arrays in `vars`, `?` and `describe`.
extension ShellSession {
    /// Rows of a chart's canvas.
    static let chartHeight = 12

    /// Draws `name(args)`, the whole of `line`, whose call starts at `column`.
    func draw(_ name: String, _ args: [Expr], line: String, column: Int) throws {
        let evaluator = Evaluator(environment: self, interruption: interruption)
        var values: [Value] = []
        for a in args {
            do { values.append(try evaluator.evaluate(a)) } catch { throw located(error) }
        }
        var labels = ShellSession.argumentTexts(line, callAt: column)
        // A last string is the title.
        var title: String?
        if values.count > 1, case .string(let t) = values.last! {
            title = t
            values.removeLast()
            labels.removeLast()
        }
        let style = PlotStyle(width: output.width, height: ShellSession.chartHeight, color: output.useColor)
        func numbers(_ v: Value, _ i: Int) throws -> NumericArray {
            if let n = ShellSession.numeric(v) { return n }
            throw LocatedError(message: "\(name) needs numeric arrays; argument \(i + 1) is \(v.typeName)", column: args[i].column)
        }
        do {
            let text: String
            switch name {
            case "plot":
                guard !values.isEmpty else { throw ShellError("plot what? plot(y), plot(x, y), plot(a, b, …) or plot([a, b])") }
                var series: [PlotSeries] = []
                if values.count == 1, case .array(let items) = values[0], items.contains(where: { ShellSession.numeric($0) != nil && $0.kind != .double && $0.kind != .int }) {
                    // plot([a, b]): each element a series, whatever they look like.
                    for (k, item) in items.enumerated() {
                        guard let n = ShellSession.numeric(item) else { throw ShellError("plot([…]) needs a list of numeric arrays; element \(k) is \(item.typeName)") }
                        series.append(PlotSeries(name: "\(labels.first ?? "y")[\(k)]", y: n))
                    }
                } else {
                    let arrays = try values.enumerated().map { try numbers($1, $0) }
                    if arrays.count == 2, arrays[0].count == arrays[1].count, ShellSession.strictlyIncreasing(arrays[0]) {
                        // plot(x, y): the first is an axis (steps, epochs, times).
                        series = [PlotSeries(name: "\(labels[1]) against \(labels[0])", x: arrays[0], y: arrays[1])]
                    } else {
                        series = arrays.enumerated().map { PlotSeries(name: arrays.count == 1 ? "" : labels[$0], y: $1) }
                    }
                }
                text = try TerminalChart.line(series, title: title ?? (values.count == 1 ? labels.first : nil), style: style)
            case "scatter":
                guard values.count == 2 else { throw ShellError("scatter takes x and y (and a title): scatter(x, y)") }
                let x = try numbers(values[0], 0), y = try numbers(values[1], 1)
                text = try TerminalChart.scatter([PlotSeries(name: "\(labels[1]) against \(labels[0])", x: x, y: y)], title: title, style: style)
            case "hist":
                guard (1...2).contains(values.count) else { throw ShellError("hist takes the values and, if you like, how many bins: hist(x, 20)") }
                var bins: Int?
                if values.count == 2 {
                    guard case .int(let b) = values[1] else {
                        throw LocatedError(message: "bins must be an integer, found \(values[1].typeName)", column: args[1].column)
                    }
                    bins = Int(clamping: b)
                }
                text = try TerminalChart.histogram(try numbers(values[0], 0), bins: bins, title: title ?? labels.first, style: style)
            case "heatmap":
                guard values.count == 1 else { throw ShellError("heatmap takes one rank-2 array (and a title): heatmap(m)") }
                text = try TerminalChart.heatmap(try ShellSession.matrix(values[0], column: args[0].column), title: title ?? labels.first, style: style)
            default:
                throw ShellError("no chart '\(name)'")
            }
            try checkInterruption()
            output.line(text)
        } catch let e as PlotError {
            throw ShellError(e.message)
        }
    }

    /// `v` as a numeric array, as the language reads one (a non-empty list of numbers packed).
    static func numeric(_ v: Value) -> NumericArray? {
        if case .array(let items) = v, items.isEmpty { return nil }
        return v.asNumericArray
    }

    /// A rank-2 array, or a list of equal-length rows, as one matrix.
    static func matrix(_ v: Value, column: Int) throws -> NumericArray {
        if case .numeric(let n) = v {
            guard n.rank == 2 else { throw LocatedError(message: "heatmap needs a rank-2 array (rows × columns), found \(n.typeName) of shape \(n.shape)", column: column) }
            return n
        }
        guard case .array(let rows) = v, !rows.isEmpty else {
            throw LocatedError(message: "heatmap needs a rank-2 array or a list of rows, found \(v.typeName)", column: column)
        }
        var flat: [Double] = []
        var width: Int?
        for (i, row) in rows.enumerated() {
            guard let r = numeric(row), r.rank == 1 else {
                throw LocatedError(message: "heatmap's rows must be numeric arrays; row \(i) is \(row.typeName)", column: column)
            }
            if let w = width, w != r.count {
                throw LocatedError(message: "heatmap needs rows of one length; row 0 has \(w), row \(i) has \(r.count) (a ragged list)", column: column)
            }
            width = r.count
            flat += r.doubles()
        }
        return try! NumericArray(flat, shape: [rows.count, width ?? 0])
    }

    /// Whether each element is larger than the one before (an axis, not a series).
    static func strictlyIncreasing(_ n: NumericArray) -> Bool {
        guard n.rank == 1, n.count > 1 else { return false }
        var previous = n.double(at: 0)
        for i in 1..<n.count {
            let x = n.double(at: i)
            guard x > previous else { return false }
            previous = x
        }
        return true
    }

    /// The text of each argument of the call at `column` in `line` (for legends).
    static func argumentTexts(_ line: String, callAt column: Int) -> [String] {
        let chars = Array(line)
        var i = column
        while i < chars.count, chars[i] != "(" { i += 1 }
        var parts: [String] = [], current = "", depth = 0
        var quote: Character?
        i += 1
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                current.append(c)
                if c == "\\", i + 1 < chars.count { i += 1; current.append(chars[i]) } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c; current.append(c)
            } else if "([{".contains(c) {
                depth += 1; current.append(c)
            } else if ")]}".contains(c) {
                if depth == 0 { break }
                depth -= 1; current.append(c)
            } else if c == ",", depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// A sparkline of a numeric array with more than one element, beside it in `vars` and `info`.
    func sparkline(_ v: Value, width: Int = 24) -> String? {
        guard case .numeric(let n) = v, n.count > 1, n.rank == 1 else { return nil }
        let s = Sparkline.of(n, width: min(width, n.count))
        return s.trimmingCharacters(in: .whitespaces).isEmpty ? nil : s
    }

    /// The shape of a distribution as a sparkline of its histogram (for `describe`).
    static func distribution(_ n: NumericArray, bins: Int = 24) -> String? {
        let xs = n.doubles().filter(\.isFinite)
        guard xs.count > 1, let lo = xs.min(), let hi = xs.max(), hi > lo else { return nil }
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (hi - lo)
        for x in xs { counts[min(bins - 1, Int((x - lo) * scale))] += 1 }
        // Drawn from zero, not from the smallest count: 41 against 42 is no cliff.
        let top = Double(counts.max() ?? 1)
        let levels = Array(" ▁▂▃▄▅▆▇█")
        return String(counts.map { c in c == 0 ? " " : levels[max(1, Int((Double(c) / top * 8).rounded()))] })
    }
}
