import SpindleValue

/// How many elements a chart left out, and why: NaN, or an infinity (which
/// has no place on a finite axis).
struct SkipCount: Equatable {
    var nan = 0
    var infinite = 0

    var total: Int { nan + infinite }

    mutating func add(_ other: SkipCount) {
        nan += other.nan
        infinite += other.infinite
    }

    /// `3 NaN skipped`, `2 ±inf skipped`, `3 NaN and 2 ±inf skipped`; nil when nothing was.
    var note: String? {
        switch (nan, infinite) {
        case (0, 0): nil
        case (_, 0): "\(NumberFormatting.count(nan)) NaN skipped"
        case (0, _): "\(NumberFormatting.count(infinite)) ±inf skipped"
        default: "\(NumberFormatting.count(nan)) NaN and \(NumberFormatting.count(infinite)) ±inf skipped"
        }
    }

    /// `all 12 values are NaN` (or `±inf`, or `NaN or ±inf`): why nothing was left to draw.
    func allSkipped(of count: Int, noun: String = "values") -> String {
        let what = nan == 0 ? "±inf" : (infinite == 0 ? "NaN" : "NaN or ±inf")
        return "all \(NumberFormatting.count(count)) \(noun) are \(what)"
    }
}

/// The finite minimum and maximum of some values, and what was skipped.
struct FiniteRange {
    var lo = Double.infinity
    var hi = -Double.infinity
    var skipped = SkipCount()

    /// Whether any finite value was seen.
    var isEmpty: Bool { lo > hi }

    mutating func include(_ v: Double) {
        if v < lo { lo = v }
        if v > hi { hi = v }
    }

    mutating func merge(_ other: FiniteRange) {
        if other.lo < lo { lo = other.lo }
        if other.hi > hi { hi = other.hi }
        skipped.add(other.skipped)
    }

    /// The range of `values`' elements, in one pass over the typed storage.
    static func of(_ values: NumericArray) -> FiniteRange { values.visitElements(Scan()) }

    /// The range of x and of y over the points where both are finite.
    static func ofPairs(x: NumericArray, y: NumericArray) -> (x: FiniteRange, y: FiniteRange) {
        x.visitPairs(with: y, PairScan())
    }

    private struct Scan: ElementVisitor {
        func visit<E: PlotNumber>(_ p: UnsafeBufferPointer<E>) -> FiniteRange {
            FiniteRange.scan(p, 0..<p.count)
        }
    }

    private struct PairScan: PairVisitor {
        func visit<X: PlotNumber, Y: PlotNumber>(_ xs: UnsafeBufferPointer<X>,
                                                 _ ys: UnsafeBufferPointer<Y>) -> (x: FiniteRange, y: FiniteRange) {
            var rx = FiniteRange(), ry = FiniteRange()
            for i in 0..<min(xs.count, ys.count) {
                let x = xs[i].plotValue, y = ys[i].plotValue
                if x.isFinite && y.isFinite {
                    rx.include(x)
                    ry.include(y)
                } else if x.isNaN || y.isNaN {
                    ry.skipped.nan += 1
                } else {
                    ry.skipped.infinite += 1
                }
            }
            return (rx, ry)
        }
    }

    /// The range of `p[range]`: the tight loop every chart's first pass runs.
    /// Integers skip the finiteness test; for floating point, a non-finite
    /// element only bumps a counter, so the loop stays branch-free in the
    /// common case.
    @inline(__always)
    static func scan<E: PlotNumber>(_ p: UnsafeBufferPointer<E>, _ range: Range<Int>) -> FiniteRange {
        var r = FiniteRange()
        guard !range.isEmpty else { return r }
        var lo = Double.infinity, hi = -Double.infinity
        if E.canBeNonFinite {
            var bad = 0, nan = 0
            for i in range {
                let v = p[i].plotValue
                let ok = v.isFinite
                lo = ok && v < lo ? v : lo
                hi = ok && v > hi ? v : hi
                bad &+= ok ? 0 : 1
                nan &+= v.isNaN ? 1 : 0
            }
            r.skipped = SkipCount(nan: nan, infinite: bad - nan)
        } else {
            for i in range {
                let v = p[i].plotValue
                lo = v < lo ? v : lo
                hi = v > hi ? v : hi
            }
        }
        r.lo = lo
        r.hi = hi
        return r
    }
}
