import Foundation

/// Tick values for an axis and the text of their labels.
///
/// Labels are compact and written alike along one axis: one scale (plain,
/// `k`, `M`, `G`, `T`, or scientific below 0.001 and from 1e15) and just
/// enough decimals to tell neighbouring ticks apart, trailing zeros dropped:
/// `0`, `0.25`, `1.5k`, `10M`, `1e-06`, `-3`.
enum AxisLabels {
    /// `count` evenly spaced values from `lo` to `hi`, both included; whole
    /// numbers only when `integral` (then repeats are dropped). One value
    /// when the range is a single point.
    static func ticks(lo: Double, hi: Double, count: Int, integral: Bool = false) -> [Double] {
        guard lo < hi, count >= 2 else { return [integral ? lo.rounded() : lo] }
        var out: [Double] = []
        for j in 0..<count {
            // Weighted, so a range wider than the largest double does not overflow.
            let f = Double(j) / Double(count - 1)
            var t = j == count - 1 ? hi : lo * (1 - f) + hi * f
            if integral { t = t.rounded() }
            if out.last != t { out.append(t) }
        }
        return out
    }

    /// How many ticks a vertical axis of `rows` rows gets: five on a tall chart, fewer on a short one.
    static func tickCount(rows: Int) -> Int {
        rows >= 9 ? 5 : (rows >= 5 ? 3 : 2)
    }

    /// The labels of `values` (ascending ticks of one axis), written alike.
    /// `maxDecimals` bounds the digits after the point (after scaling to `k`,
    /// `M`, …), which bounds the labels' width.
    static func format(_ values: [Double], maxDecimals: Int = 9) -> [String] {
        let m = values.reduce(0) { max($0, abs($1)) }
        guard m > 0, m.isFinite else { return values.map { $0 == 0 ? "0" : "\($0)" } }
        var step = Double.infinity
        for (a, b) in zip(values, values.dropFirst()) where b - a > 0 { step = min(step, b - a) }
        if !step.isFinite { step = m / 1000 }   // a single value: four significant digits

        if m < 1e-3 || m >= 1e15 {
            let significant = min(6, max(1, Int(log10(m).rounded(.down)) - Int(log10(step).rounded(.down)) + 2))
            return values.map { $0 == 0 ? "0" : String(format: "%.\(significant)g", $0) }
        }
        var scale = 1.0, suffix = ""
        if m >= 1000 {
            let power = min(4, Int(log10(m).rounded(.down)) / 3)
            scale = pow(1000, Double(power))
            suffix = ["", "k", "M", "G", "T"][power]
        }
        let scaled = values.map { $0 / scale }, s = step / scale
        let first = min(maxDecimals, max(0, -Int(log10(s).rounded(.down))))
        var decimals = first
        // One more decimal while some label would stray more than a twentieth of a step.
        while values.count > 1, decimals < min(maxDecimals, first + 3),
              scaled.contains(where: { abs(rounded($0, decimals) - $0) > s / 20 }) {
            decimals += 1
        }
        return scaled.map { $0 == 0 ? "0" : fixed($0, decimals: decimals) + suffix }
    }

    /// One value written on its own, to four significant digits: `0.6667`, `12.5k`.
    static func format(_ value: Double) -> String { format([value])[0] }

    private static func rounded(_ v: Double, _ decimals: Int) -> Double {
        let p = pow(10, Double(decimals))
        return (v * p).rounded() / p
    }

    /// `v` with `decimals` digits after the point, trailing zeros (and a bare point) dropped; never `-0`.
    private static func fixed(_ v: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", v)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
