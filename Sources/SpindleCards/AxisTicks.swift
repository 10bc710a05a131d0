import Foundation

/// Ticks for a chart axis: a "nice" step (1, 2, 2.5 or 5 times a power of ten)
/// giving at most `target` labels, and labels written alike along the axis
/// (`0.25`, `1.5k`, `10M`, `2e-5`).
struct AxisTicks: Equatable {
    /// How the range the axis shows follows from the data's.
    enum Fit {
        /// The data's range and 4% more on each side, so no point sits on
        /// the frame (line and scatter charts).
        case padded
        /// Widened to whole steps: the axis starts and ends on a label
        /// (counts and bars, which start at zero).
        case rounded
        /// The data's range exactly (a histogram's first and last edge).
        case exact
    }

    /// The range the axis shows.
    var lower: Double
    var upper: Double
    /// The values labelled, within `lower`…`upper`.
    var values: [Double]
    var step: Double

    /// Ticks over the finite range `min`…`max`. A zero-width range is
    /// widened around its value.
    /// `whole`: the step is at least 1 (counts are never labelled 0.5).
    init(min lo: Double, max hi: Double, target: Int = 5, fit: Fit = .padded, whole: Bool = false) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if lo > hi { swap(&lo, &hi) }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        if fit == .padded {
            let pad = (hi - lo) * 0.04
            lo -= pad
            hi += pad
        }
        let target = Swift.max(2, target)
        var step = Self.niceStep((hi - lo) / Double(target))
        if whole { step = Swift.max(1, step) }
        func ticks(_ step: Double) -> (first: Double, last: Double) {
            fit == .rounded
                ? ((lo / step).rounded(.down), (hi / step).rounded(.up))
                : ((lo / step).rounded(.up), (hi / step).rounded(.down))
        }
        while ticks(step).last - ticks(step).first + 1 > Double(target) || (whole && step != step.rounded()) {
            step = Self.niceStep(step * 1.01)
        }
        self.step = step
        let (first, last) = ticks(step)
        if fit == .rounded {
            lower = first * step
            upper = last * step
        } else {
            lower = lo
            upper = hi
        }
        var values: [Double] = []
        var k = first
        while k <= last {
            let v = k * step
            values.append(v == 0 ? 0 : v)  // never "-0"
            k += 1
        }
        self.values = values
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow10(Int((log10(raw)).rounded(.down)))
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    static func pow10(_ e: Int) -> Double {
        var v = 1.0
        if e >= 0 { for _ in 0..<e { v *= 10 } } else { for _ in 0..<(-e) { v /= 10 } }
        return v
    }

    /// The label of each tick, all written with the same scale and decimals.
    var labels: [String] { values.map { label($0) } }

    /// `v` written for this axis.
    func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let magnitude = Swift.max(abs(lower), abs(upper))
        if magnitude >= 1e4 {
            let (scale, suffix): (Double, String) =
                magnitude >= 1e12 ? (1e12, "T") : magnitude >= 1e9 ? (1e9, "G") : magnitude >= 1e6 ? (1e6, "M") : (1e3, "k")
            if magnitude / scale < 1e4 {
                return SVGNumber.fixed(v / scale, decimals: decimals(step / scale), trim: false) + suffix
            }
        }
        if magnitude < 1e-3 || magnitude >= 1e15 {
            // Each label in its own m·10ᵏ (1 ≤ |m| < 10), with the digits the
            // step needs: 2e-4, 4e-4, …, 1e-3; 7.5e-5.
            let e = Int(log10(step).rounded(.down))
            let k = Int((log10(abs(v)) + 1e-9).rounded(.down))  // 0.000999… is 1e-3
            let digits = Swift.max(0, k - e) + decimals(step / Self.pow10(e))
            return SVGNumber.fixed(v / Self.pow10(k), decimals: digits, trim: true) + "e" + String(k)
        }
        return SVGNumber.fixed(v, decimals: decimals(step), trim: false)
    }

    /// Decimals that show every multiple of `step` exactly (2.5 needs one).
    private func decimals(_ step: Double) -> Int {
        var d = 0
        var s = step
        while d < 9, abs(s - s.rounded()) > 1e-9 * Swift.max(1, abs(s)) {
            s *= 10
            d += 1
        }
        return d
    }
}
