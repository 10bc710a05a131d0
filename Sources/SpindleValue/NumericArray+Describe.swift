extension NumericArray {
    /// What `describe` shows: the statistics and the exact quartiles.
    ///
    /// Large arrays take one vectorised pass (see `DescribeScan`); small ones,
    /// and data that defeats its sample, take ``statistics()`` and then
    /// ``quantiles(_:min:max:)`` with the range already known. Both give the
    /// answer sorting would.
    public func describe() -> (statistics: Statistics, quartiles: [Double]) {
        let qs = [0.25, 0.5, 0.75]
        guard let fast = doubles().withUnsafeBufferPointer({ DescribeScan.scan($0, quantiles: qs) }) else {
            let s = statistics()
            return (s, quantiles(qs, min: s.min, max: s.max))
        }
        var s = Statistics(count: count, nanCount: count - fast.count, min: fast.min, max: fast.max,
                           mean: fast.mean, standardDeviation: fast.standardDeviation, trueCount: 0)
        if case .bool(let a) = storage { s.trueCount = a.reduce(0) { $0 + ($1 ? 1 : 0) } }
        return (s, fast.quantiles)
    }
}
