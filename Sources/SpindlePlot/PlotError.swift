/// Why a chart could not be drawn, in words a user can act on:
/// `heatmap needs a rank-2 array (rows × columns), found [Double] of shape [10]`,
/// `nothing to plot: all 12 values are NaN`, `x has 10 elements but y has 12`.
public struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The whole message, without a trailing period.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
