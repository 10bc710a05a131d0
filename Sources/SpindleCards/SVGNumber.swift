/// Numbers as the SVGs write them: coordinates to a tenth of a pixel
/// (`12.3`, `-4`, `0`), and fixed decimals for axis labels. Written by hand
/// so they are fast (a reduced line is thousands of coordinates), the same
/// on every platform, and never print `nan` or an exponent.
enum SVGNumber {
    /// `v` rounded to one decimal, without a trailing `.0`. Non-finite and
    /// absurdly large values (which a coordinate never is) are clamped.
    static func coordinate(_ v: Double) -> String {
        fixed(v, decimals: 1)
    }

    /// `v` with exactly `decimals` decimals (0 to 9), except that a zero
    /// fraction is dropped when `trim` is true.
    static func fixed(_ v: Double, decimals: Int, trim: Bool = true) -> String {
        let d = max(0, min(decimals, 9))
        var scale: Int64 = 1
        for _ in 0..<d { scale *= 10 }
        let limit = 9e15 / Double(scale)
        let clamped = v.isNaN ? 0 : max(-limit, min(limit, v))
        let scaled = Int64((clamped * Double(scale)).rounded())
        let negative = scaled < 0
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = magnitude % UInt64(scale)
        var out = negative && magnitude != 0 ? "-" : ""
        out += String(whole)
        if d > 0 && !(trim && fraction == 0) {
            var digits = d
            if trim {
                while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            }
            let text = String(fraction)
            out += "." + String(repeating: "0", count: digits - text.count) + text
        }
        return out
    }
}
