extension NumericArray {
    /// The exact `q`-quantiles (0 ≤ q ≤ 1, linear interpolation between
    /// neighbours, as numpy's default) of the non-NaN elements, in a few
    /// passes and without sorting the whole array: a histogram of the range
    /// finds the bucket holding each rank, and only that bucket is sorted.
    public func quantiles(_ qs: [Double]) -> [Double] {
        let xs = doubles().filter { !$0.isNaN }
        let n = xs.count
        guard n > 0 else { return qs.map { _ in .nan } }
        var lo = Double.infinity, hi = -Double.infinity
        for x in xs { if x < lo { lo = x }; if x > hi { hi = x } }
        if lo == hi || !lo.isFinite || !hi.isFinite || n < 4096 {
            let sorted = xs.sorted()
            return qs.map { NumericArray.interpolate(sorted, $0) }
        }
        let buckets = 65_536
        let scale = Double(buckets) / (hi - lo)
        @inline(__always) func bucket(_ x: Double) -> Int { min(buckets - 1, Int((x - lo) * scale)) }
        var counts = [Int](repeating: 0, count: buckets)
        xs.withUnsafeBufferPointer { p in for x in p { counts[bucket(x)] += 1 } }
        var starts = [Int](repeating: 0, count: buckets)
        var running = 0
        for b in 0..<buckets { starts[b] = running; running += counts[b] }
        // Each quantile needs the elements of rank floor(q(n-1)) and the next.
        func element(_ rank: Int) -> Double {
            var b = 0
            // Binary search for the bucket holding `rank`.
            var l = 0, h = buckets - 1
            while l < h {
                let m = (l + h + 1) / 2
                if starts[m] <= rank { l = m } else { h = m - 1 }
            }
            b = l
            while counts[b] == 0 { b += 1 }
            var members: [Double] = []
            members.reserveCapacity(counts[b])
            for x in xs where bucket(x) == b { members.append(x) }
            members.sort()
            return members[rank - starts[b]]
        }
        var cache: [Int: Double] = [:]
        return qs.map { q in
            let pos = min(max(q, 0), 1) * Double(n - 1)
            let r = Int(pos.rounded(.down))
            let a = cache[r] ?? element(r)
            cache[r] = a
            guard r + 1 < n, pos > Double(r) else { return a }
            let b = cache[r + 1] ?? element(r + 1)
            cache[r + 1] = b
            return a + (b - a) * (pos - Double(r))
        }
    }

    static func interpolate(_ sorted: [Double], _ q: Double) -> Double {
        let pos = min(max(q, 0), 1) * Double(sorted.count - 1)
        let r = Int(pos.rounded(.down))
        guard r + 1 < sorted.count else { return sorted[r] }
        return sorted[r] + (sorted[r + 1] - sorted[r]) * (pos - Double(r))
    }
}
