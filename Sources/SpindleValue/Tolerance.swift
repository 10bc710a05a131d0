/// How far apart two numbers may be and still count as equal in a diff.
///
/// Two finite numbers `a` (old) and `b` (new) are close when
/// `|a − b| ≤ absolute + relative × max(|a|, |b|)`; two NaNs are close to each
/// other and to nothing else; an infinity is close only to itself.
public struct Tolerance: Sendable, Equatable, Codable {
    /// The absolute tolerance (`--atol`).
    public var absolute: Double
    /// The relative tolerance (`--rtol`), a fraction: 0.01 is 1 %.
    public var relative: Double

    public init(absolute: Double = 0, relative: Double = 0) {
        self.absolute = absolute
        self.relative = relative
    }

    /// Exact comparison (NaN still equals NaN).
    public static let exact = Tolerance()

    /// Whether `a` and `b` count as equal.
    @inline(__always)
    public func isClose(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if !a.isFinite || !b.isFinite { return false }
        return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }
}
