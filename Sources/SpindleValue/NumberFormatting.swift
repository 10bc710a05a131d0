import Foundation

/// How numbers are written for people: counts grouped by thousands, doubles
/// shortest-exact in full views and to six significant digits in summaries.
public enum NumberFormatting {
    /// `1 000 000`: a count, grouped by thousands with spaces.
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// The shortest text that reads back as exactly `d` (`0.1`, `3.0`, `nan`).
    public static func exact(_ d: Double) -> String { "\(d)" }

    /// `d` to six significant digits (`0.0312457`, `1.5e+09`), for summaries.
    public static func short(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.6g", d)
    }

    /// A fraction as a percentage: `4.2%`.
    public static func percent(_ f: Double) -> String {
        if !f.isFinite { return short(f * 100) + "%" }
        return String(format: "%.3g%%", f * 100)
    }
}
