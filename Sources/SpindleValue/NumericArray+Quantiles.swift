extension NumericArray {
    /// The exact `q`-quantiles (0 ≤ q ≤ 1, linear interpolation between
    /// neighbours, as numpy's default) of the non-NaN elements, without
    /// sorting the whole array: one pass counts the elements in 65 536
    /// buckets over the range, a second collects only the buckets that hold
    /// the ranks asked for, and those few elements are sorted.
    public func quantiles(_ qs: [Double], min lo: Double? = nil, max hi: Double? = nil) -> [Double] {
        let xs = doubles()
        return xs.withUnsafeBufferPointer { p -> [Double] in
            var lo = lo ?? .infinity, hi = hi ?? -.infinity
            var n = 0
            if lo == .infinity || hi == -.infinity {
                for x in p where !x.isNaN { n += 1; lo = Swift.min(lo, x); hi = Swift.max(hi, x) }
            } else {
                for x in p where !x.isNaN { n += 1 }
            }
            guard n > 0 else { return qs.map { _ in .nan } }
            if lo == hi { return qs.map { _ in lo } }
            if n < 4096 || !lo.isFinite || !hi.isFinite {
                let sorted = p.filter { !$0.isNaN }.sorted()
                return qs.map { NumericArray.interpolate(sorted, $0) }
            }
            let buckets = 65_536
            let scale = Double(buckets) / (hi - lo)
            var counts = [Int](repeating: 0, count: buckets)
            counts.withUnsafeMutableBufferPointer { c in
                for x in p where !x.isNaN {
                    let b = Int((x - lo) * scale)
                    c[b < buckets ? b : buckets - 1] += 1
                }
            }
            var starts = [Int](repeating: 0, count: buckets)
            var running = 0
            for b in 0..<buckets { starts[b] = running; running += counts[b] }
            // The ranks each quantile needs, and the buckets that hold them.
            var ranks: [Int] = []
            for q in qs {
                let pos = Swift.min(Swift.max(q, 0), 1) * Double(n - 1)
                let r = Int(pos.rounded(.down))
                ranks.append(r)
                if r + 1 < n { ranks.append(r + 1) }
            }
            func bucket(of rank: Int) -> Int {
                var l = 0, h = buckets - 1
                while l < h {
                    let m = (l + h + 1) / 2
                    if starts[m] <= rank { l = m } else { h = m - 1 }
                }
                return l
            }
            let wanted = Set(ranks.map(bucket(of:)))
            var members: [Int: [Double]] = [:]
            for b in wanted { members[b] = []; members[b]!.reserveCapacity(counts[b]) }
            var marks = [Bool](repeating: false, count: buckets)
            for b in wanted { marks[b] = true }
            for x in p where !x.isNaN {
                var b = Int((x - lo) * scale)
                if b >= buckets { b = buckets - 1 }
                if marks[b] { members[b]!.append(x) }
            }
            for b in wanted { members[b]!.sort() }
            func element(_ rank: Int) -> Double {
                let b = bucket(of: rank)
                return members[b]![rank - starts[b]]
            }
            return qs.map { q in
                let pos = Swift.min(Swift.max(q, 0), 1) * Double(n - 1)
                let r = Int(pos.rounded(.down))
                let a = element(r)
                guard r + 1 < n, pos > Double(r) else { return a }
                return a + (element(r + 1) - a) * (pos - Double(r))
            }
        }
    }

    static func interpolate(_ sorted: [Double], _ q: Double) -> Double {
        let pos = Swift.min(Swift.max(q, 0), 1) * Double(sorted.count - 1)
        let r = Int(pos.rounded(.down))
        guard r + 1 < sorted.count else { return sorted[r] }
        return sorted[r] + (sorted[r + 1] - sorted[r]) * (pos - Double(r))
    }
}
