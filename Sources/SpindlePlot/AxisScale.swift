/// Maps values in `lo...hi` onto `0..<positions` (dot columns or rows).
///
/// Values are halved before subtracting, so `hi - lo` never overflows to
/// infinity (a range from -1e308 to 1e308 still maps); a range too narrow to
/// divide by, and a constant one, put every value in the middle position.
struct AxisScale {
    let lo: Double
    let hi: Double
    let positions: Int
    private let halfLo: Double
    private let factor: Double
    private let last: Double

    init(lo: Double, hi: Double, positions: Int) {
        self.lo = lo
        self.hi = hi
        self.positions = max(1, positions)
        halfLo = lo * 0.5
        last = Double(self.positions - 1)
        let f = last / (hi * 0.5 - lo * 0.5)
        factor = f.isFinite && f > 0 ? f : 0
    }

    /// Whether every value maps to the middle position.
    var isConstant: Bool { factor == 0 }

    /// The position of `v` (finite), rounded to the nearest, within `0..<positions`.
    @inline(__always)
    func position(_ v: Double) -> Int {
        if factor == 0 { return (positions - 1) / 2 }
        let f = (v * 0.5 - halfLo) * factor
        return Int(f < 0 ? 0.5 : (f > last ? last + 0.5 : f + 0.5))
    }
}
