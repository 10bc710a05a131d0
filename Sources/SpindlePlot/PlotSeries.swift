import SpindleValue

/// One series of a line or scatter chart: y values, and the x value of each
/// (the element index `0..<count` when `x` is nil).
public struct PlotSeries: Sendable {
    /// The name the legend shows; a chart of one series with an empty name has no legend.
    public var name: String
    /// The x values, as many as `y` has; nil means the indices `0, 1, …`.
    public var x: NumericArray?
    /// The y values: a one-dimensional array, or a rank-2 array with one column.
    public var y: NumericArray

    public init(name: String = "", x: NumericArray? = nil, y: NumericArray) {
        self.name = name
        self.x = x
        self.y = y
    }
}
