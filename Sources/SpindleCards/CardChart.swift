/// A chart on a card, drawn in Swift as SVG (`SVGChart`) so the page needs
/// no script library. The data stays numbers, not pixels: the page carries
/// it in its JSON, and the shell and the MCP server can draw it again.
///
/// - `line`: each series' `y` against its `x` (the element index when nil),
///   joined in order. Large series are drawn as their per-pixel-column
///   minimum and maximum, so a spike among millions of points still shows.
/// - `scatter`: points, no lines.
/// - `bar`: `y[i]` is the height of category `i`, named by `labels[i]`
///   (its index when absent); several series are grouped side by side.
/// - `histogram`: the values of each series' `y` counted into `bins` equal
///   bins (chosen from the data when nil) over all series' range.
///
/// NaN and ±infinity are skipped wherever they occur and counted in a note.
/// As JSON, NaN and ±infinity are written `"nan"`, `"inf"`, `"-inf"`.
public struct CardChart: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case line, scatter, bar, histogram
    }

    public var kind: Kind
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var series: [CardSeries]
    /// Histogram only: how many bins; nil lets the chart choose.
    public var bins: Int?
    /// Bar only: the categories' names, in the order of `y`.
    public var labels: [String]?

    public init(
        _ kind: Kind,
        title: String? = nil,
        xLabel: String? = nil,
        yLabel: String? = nil,
        series: [CardSeries],
        bins: Int? = nil,
        labels: [String]? = nil
    ) {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bins = bins
        self.labels = labels
    }
}

/// One named run of numbers in a chart: a line, a cloud of points, a set of
/// bars, or the values a histogram counts.
public struct CardSeries: Sendable, Codable, Equatable {
    /// Shown in the legend; a chart's only series may leave it empty.
    public var name: String
    /// Positions along x for line and scatter charts; nil means 0, 1, 2, ….
    /// When its length differs from `y`'s, the shorter length is drawn.
    public var x: [Double]?
    public var y: [Double]

    public init(_ name: String = "", x: [Double]? = nil, y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}
