import Foundation

extension Duration {
    /// `1.5 s`, `250 ms`.
    var formatted: String {
        let s = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return s >= 1 ? String(format: "%g s", s) : String(format: "%g ms", s * 1000)
    }
}
