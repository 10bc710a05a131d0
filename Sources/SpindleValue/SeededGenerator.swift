import Foundation

/// A small, fast, deterministic random number generator (SplitMix64): the
/// same seed gives the same numbers on every machine and every run, so a
/// flow's synthetic data and a test's random values repeat exactly.
///
/// ```swift
/// var g = SeededGenerator(seed: 7)
/// let noise = (0..<3).map { _ in g.normal() }
/// let pick = [1, 2, 3].randomElement(using: &g)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1), from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
