import Foundation

/// How numbers are written for people: counts grouped by thousands, doubles
/// shortest-exact in full views and to six significant digits in summaries.
public enum NumberFormatting {
    /// `1 000 000`: a count, grouped by thousands with spaces.
    /// A size in bytes as people read it: `812 bytes`, `12.5 KB`, `3.2 MB`, `1.4 GB` (powers of 1000).
    public static func bytes(_ n: Int) -> String {
        if n < 1000 { return "\(n) byte\(n == 1 ? "" : "s")" }
        let units = ["KB", "MB", "GB", "TB"]
        var v = Double(n) / 1000, u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        return (v < 10 ? String(format: "%.1f", v) : String(format: "%.0f", v)) + " " + units[u]
    }

    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `d` rounded to the nearest hundredth and written with two decimals (`0.05`, `12.30`): as
    /// `String(format: "%.2f")` writes it but for some halves (0.015 gives `0.02`, `%.2f` `0.01`,
    /// which rounds the double's binary value) and without its minus zero; without Foundation's
    /// formatter, which was 0.7 % of a run's runtime CPU for its line per task (`perf`).
    public static func twoDecimals(_ d: Double) -> String {
        let hundredths = (d * 100).rounded(.toNearestOrEven)
        guard d.isFinite, abs(hundredths) < 1e15 else { return String(format: "%.2f", d) }
        let n = Int64(hundredths)
        let whole = n.magnitude / 100, part = n.magnitude % 100
        return (n < 0 ? "-" : "") + "\(whole)." + (part < 10 ? "0" : "") + "\(part)"
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
