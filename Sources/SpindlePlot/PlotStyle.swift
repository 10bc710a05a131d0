/// The size and colouring of a chart.
public struct PlotStyle: Sendable, Equatable {
    /// The total width in terminal columns, axis labels, legend and notes
    /// included: no line of the chart is longer. At least 20 or so, depending
    /// on the labels; a chart too narrow for its labels is a ``PlotError``.
    public var width: Int
    /// The rows of the canvas (the plotting area), at least 2. Title, x axis,
    /// legend and notes take rows of their own.
    public var height: Int
    /// Whether to colour series, bars and heatmap cells with ANSI 256-colour
    /// codes. When false the text has no escape sequences at all.
    public var color: Bool

    public init(width: Int = 72, height: Int = 14, color: Bool = false) {
        self.width = width
        self.height = height
        self.color = color
    }

    /// An error unless the canvas has at least two rows.
    func checkHeight() throws(PlotError) {
        guard height >= 2 else { throw PlotError("height must be at least 2 rows, found \(height)") }
    }
}
