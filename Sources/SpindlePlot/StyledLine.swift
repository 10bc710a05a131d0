/// One line of a chart as runs of text, each with an optional 256-colour
/// foreground or background, so a chart is laid out once and written with or
/// without colour.
///
/// Widths count characters: every glyph a chart draws (braille, blocks,
/// shades, box drawing) takes one terminal column.
struct StyledLine {
    struct Run {
        var text: String
        var foreground: UInt8?
        var background: UInt8?
    }

    private(set) var runs: [Run] = []
    private(set) var width = 0

    init() {}

    init(_ text: String) { append(text) }

    mutating func append(_ text: String, foreground: UInt8? = nil, background: UInt8? = nil) {
        guard !text.isEmpty else { return }
        width += text.count
        if let last = runs.last, last.foreground == foreground, last.background == background {
            runs[runs.count - 1].text += text
        } else {
            runs.append(Run(text: text, foreground: foreground, background: background))
        }
    }

    mutating func append(_ other: StyledLine) {
        for run in other.runs { append(run.text, foreground: run.foreground, background: run.background) }
    }

    /// Drops spaces at the end that carry no background, so no line ends in blanks.
    mutating func trimTrailingSpaces() {
        while let last = runs.last, last.background == nil {
            let kept = last.text.reversed().drop(while: { $0 == " " })
            width -= last.text.count - kept.count
            if kept.isEmpty {
                runs.removeLast()
            } else {
                runs[runs.count - 1].text = String(kept.reversed())
                return
            }
        }
    }

    /// The text; with `color`, each styled run wrapped in ANSI 256-colour codes.
    func rendered(color: Bool) -> String {
        var out = ""
        for run in runs {
            guard color, run.foreground != nil || run.background != nil else {
                out += run.text
                continue
            }
            var codes: [String] = []
            if let f = run.foreground { codes.append("38;5;\(f)") }
            if let b = run.background { codes.append("48;5;\(b)") }
            out += "\u{1B}[" + codes.joined(separator: ";") + "m" + run.text + "\u{1B}[0m"
        }
        return out
    }
}

/// The colours charts use: 256-colour palette indices, the same on every run.
enum Palette {
    /// One per series, in order (blue, orange, green, magenta, yellow, cyan,
    /// purple, grey), then again from the start.
    static let series: [UInt8] = [33, 208, 40, 170, 220, 44, 141, 246]

    /// The heatmap's ramp, dark purple through teal to yellow (viridis-like).
    static let ramp: [UInt8] = [53, 55, 61, 67, 31, 37, 36, 72, 71, 113, 149, 185, 220, 226]

    /// The colour of series `index`.
    static func color(ofSeries index: Int) -> UInt8 { series[index % series.count] }
}
