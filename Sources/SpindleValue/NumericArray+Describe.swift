extension NumericArray {
    /// What `describe` shows: the statistics and the exact quartiles.
    ///
    /// Large arrays take one vectorised pass (see `DescribeScan`); small ones,
    /// and data that defeats its sample, take three tight passes (statistics;
    /// spread and a histogram of the range; the few elements in the buckets
    /// that hold the quartiles). Both give the answer sorting would.
    public func describe() -> (statistics: Statistics, quartiles: [Double]) {
        var s = Statistics(count: count, nanCount: 0, min: .nan, max: .nan, mean: .nan, standardDeviation: .nan, trueCount: 0)
        if case .bool(let a) = storage { s.trueCount = a.reduce(0) { $0 + ($1 ? 1 : 0) } }
        let xs = doubles()
        let qs = [0.25, 0.5, 0.75]
        let quartiles = xs.withUnsafeBufferPointer { p -> [Double] in
            if let fast = DescribeScan.scan(p, quantiles: qs) {
                s.nanCount = p.count - fast.count
                s.min = fast.min
                s.max = fast.max
                s.mean = fast.mean
                s.standardDeviation = fast.standardDeviation
                return fast.quantiles
            }
            // Pass 1: count, NaNs, sum, range. (Splitting the passes over two
            // threads measured no faster here: they are bound by memory.)
            var n = 0, lo = Double.infinity, hi = -Double.infinity, sum = 0.0
            for x in p {
                if x != x { continue }
                n &+= 1
                sum += x
                lo = x < lo ? x : lo
                hi = x > hi ? x : hi
            }
            s.nanCount = p.count - n
            guard n > 0 else { return qs.map { _ in .nan } }
            let mean = sum / Double(n)
            s.min = lo
            s.max = hi
            // Pass 2: spread and the histogram.
            let buckets = 65_536
            let finite = lo.isFinite && hi.isFinite && hi > lo
            let scale = finite ? Double(buckets) / (hi - lo) : 0
            var counts = [Int](repeating: 0, count: buckets)
            var m2 = 0.0, correction = 0.0
            counts.withUnsafeMutableBufferPointer { c in
                for x in p {
                    if x != x { continue }
                    let d = x - mean
                    m2 += d * d
                    correction += d
                    if finite {
                        let b = Int((x - lo) * scale)
                        c[b < buckets ? b : buckets - 1] &+= 1
                    }
                }
            }
            s.mean = finite ? mean + correction / Double(n) : mean
            s.standardDeviation = Swift.max(0, (m2 - correction * correction / Double(n)) / Double(n)).squareRoot()
            if lo == hi { return qs.map { _ in lo } }
            if !finite || n < 4096 {
                let sorted = p.filter { !$0.isNaN }.sorted()
                return qs.map { NumericArray.interpolate(sorted, $0) }
            }
            // Pass 3: the elements of the buckets holding the ranks asked for.
            var starts = [Int](repeating: 0, count: buckets)
            var running = 0
            for b in 0..<buckets { starts[b] = running; running += counts[b] }
            func bucket(of rank: Int) -> Int {
                var l = 0, h = buckets - 1
                while l < h {
                    let m = (l + h + 1) / 2
                    if starts[m] <= rank { l = m } else { h = m - 1 }
                }
                return l
            }
            var ranks: [Int] = []
            for q in qs {
                let r = Int((q * Double(n - 1)).rounded(.down))
                ranks.append(r)
                if r + 1 < n { ranks.append(r + 1) }
            }
            var slot = [Int](repeating: -1, count: buckets)
            var groups: [[Double]] = []
            for b in Set(ranks.map(bucket(of:))) {
                slot[b] = groups.count
                groups.append([])
                groups[groups.count - 1].reserveCapacity(counts[b])
            }
            slot.withUnsafeBufferPointer { sl in
                for x in p {
                    if x != x { continue }
                    let b = Int((x - lo) * scale)
                    let k = sl[b < buckets ? b : buckets - 1]
                    if k >= 0 { groups[k].append(x) }
                }
            }
            for k in groups.indices { groups[k].sort() }
            func element(_ rank: Int) -> Double {
                let b = bucket(of: rank)
                return groups[slot[b]][rank - starts[b]]
            }
            return qs.map { q in
                let pos = q * Double(n - 1)
                let r = Int(pos.rounded(.down))
                let a = element(r)
                guard r + 1 < n, pos > Double(r) else { return a }
                return a + (element(r + 1) - a) * (pos - Double(r))
            }
        }
        return (s, quartiles)
    }
}
