import Foundation

/// The fast path of `describe` for large arrays: a strided sample brackets
/// each quartile, then one vectorised pass over the elements (split across
/// the cores: the pass is bound by arithmetic, not memory) gathers the
/// count, sum, spread, range, how many elements lie below each bracket and
/// the few that lie within it. The quartiles are then picked out of the
/// brackets exactly. When a bracket misses its quartile (data that defeats a
/// strided sample), `scan` returns nil and `describe` uses its histogram path.
enum DescribeScan {
    typealias D4 = SIMD4<Double>
    typealias I4 = SIMD4<Int64>

    /// What one pass found.
    struct Result {
        var count = 0
        var min = Double.infinity, max = -Double.infinity
        var mean = 0.0, standardDeviation = 0.0
        var quantiles: [Double] = []
    }

    /// Arrays shorter than this are not worth sampling.
    static let minimumCount = 1 << 16
    static let sampleSize = 1 << 16

    static func scan(_ p: UnsafeBufferPointer<Double>, quantiles qs: [Double]) -> Result? {
        precondition(qs.count == 3)
        guard p.count >= minimumCount else { return nil }

        // The sample, and a bracket [a, b] around each quantile wide enough
        // (four standard errors each way) to hold it almost always.
        var sample = [Double]()
        sample.reserveCapacity(sampleSize)
        let stride = p.count / sampleSize
        for i in 0..<sampleSize where !p[i * stride].isNaN { sample.append(p[i * stride]) }
        let m = sample.count
        guard m >= 1024 else { return nil }
        var lower: [Double] = [], upper: [Double] = [], capacities: [Int] = []
        let shift = sample.withUnsafeMutableBufferPointer { s -> Double in
            for q in qs {
                let spread = 4 * (q * (1 - q) * Double(m)).squareRoot()
                let lo = Int(q * Double(m - 1) - spread), hi = Int(q * Double(m - 1) + spread) + 1
                lower.append(lo < 0 ? -.infinity : select(s, lo))
                upper.append(hi >= m ? .infinity : select(s, hi))
                capacities.append(3 * (hi - lo + 1) * (p.count / m + 1) + 4096)
            }
            return select(s, m / 2)
        }

        // The pass, one part per core for arrays large enough to repay it.
        let parts = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 8, p.count >> 20))
        let buffers = (0..<parts * 3).map { k in UnsafeMutableBufferPointer<Double>.allocate(capacity: capacities[k % 3]) }
        defer { for b in buffers { b.deallocate() } }
        let tallies = UnsafeMutableBufferPointer<Tally>.allocate(capacity: parts)
        defer { tallies.deallocate() }
        nonisolated(unsafe) let (elements, shared, results) = (p, buffers, tallies)
        let lowerBounds = lower, upperBounds = upper
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            let range = (elements.count * k / parts)..<(elements.count * (k + 1) / parts)
            (results.baseAddress! + k).initialize(to: tally(UnsafeBufferPointer(rebasing: elements[range]), shift: shift,
                                                            lower: lowerBounds, upper: upperBounds,
                                                            into: Array(shared[(3 * k)..<(3 * k + 3)])))
        }
        var r = Result()
        var shifted = 0.0, squares = 0.0
        var below = [0, 0, 0], filled = [0, 0, 0]
        for t in tallies {
            r.count += t.count
            shifted += t.shifted
            squares += t.squares
            r.min = Swift.min(r.min, t.min)
            r.max = Swift.max(r.max, t.max)
            for k in 0..<3 {
                below[k] += t.below[k]
                filled[k] += t.filled[k]
            }
        }
        // A bracket of one repeated value needs only its count; others must have fit.
        for k in 0..<3 where filled[k] > capacities[k] && lower[k] != upper[k] { return nil }
        // Each bracket's elements, gathered from the parts into the first.
        for k in 0..<3 where lower[k] != upper[k] {
            var end = tallies[0].filled[k]
            for part in 1..<parts {
                let source = buffers[3 * part + k], count = tallies[part].filled[k]
                for i in 0..<count { buffers[k][end + i] = source[i] }
                end += count
            }
        }
        let n = r.count
        guard n > 0, r.min.isFinite, r.max.isFinite else { return nil }

        // Mean and spread from sums shifted by the sample median, which lies
        // near the mean; if it does not (the shift would cost precision), sum
        // the squares again about the mean.
        r.mean = shift + shifted / Double(n)
        if shifted * shifted / Double(n) > 0.5 * squares {
            squares = squaredDeviations(p, mean: r.mean)
            r.standardDeviation = (squares / Double(n)).squareRoot()
        } else {
            r.standardDeviation = Swift.max(0, (squares - shifted * shifted / Double(n)) / Double(n)).squareRoot()
        }

        for (k, q) in qs.enumerated() {
            let pos = q * Double(n - 1)
            let rank = Int(pos.rounded(.down))
            let needsNext = rank + 1 < n && pos > Double(rank)
            let first = rank - below[k], last = first + (needsNext ? 1 : 0)
            guard first >= 0, last < filled[k] else { return nil }
            if lower[k] == upper[k] {
                r.quantiles.append(lower[k])
                continue
            }
            let within = UnsafeMutableBufferPointer(rebasing: buffers[k][0..<filled[k]])
            var value = select(within, first)
            if needsNext {
                // After selecting, everything right of `first` is no smaller.
                var next = Double.infinity
                for x in within[(first + 1)...] where x < next { next = x }
                value += (next - value) * (pos - Double(rank))
            }
            r.quantiles.append(value)
        }
        return r
    }

    @inline(__always) static func lanes(_ m: SIMDMask<I4>) -> I4 { unsafeBitCast(m, to: I4.self) }
    @inline(__always) static func bits(_ v: D4) -> I4 { unsafeBitCast(v, to: I4.self) }
    @inline(__always) static func double(_ v: I4) -> D4 { unsafeBitCast(v, to: D4.self) }
    @inline(__always) static func choose(_ m: I4, _ a: D4, _ b: D4) -> D4 { double((bits(a) & m) | (bits(b) & ~m)) }

    /// What one part of the pass found. The bracket buffers may have been
    /// too small: `filled` counts every element that belonged in them.
    struct Tally {
        var count = 0, shifted = 0.0, squares = 0.0, min = Double.infinity, max = -Double.infinity
        var below = [0, 0, 0], filled = [0, 0, 0]
    }

    /// The pass over one part. Masks are combined as integer lanes (all ones
    /// or zero), which keeps the loop in vector registers on baseline x86-64.
    static func tally(_ p: UnsafeBufferPointer<Double>, shift: Double, lower: [Double], upper: [Double],
                      into buffers: [UnsafeMutableBufferPointer<Double>]) -> Tally {
        var t = Tally()
        guard let base = p.baseAddress else { return t }
        let raw = UnsafeRawPointer(base)
        var s = D4(repeating: 0), q = D4(repeating: 0)
        var lo = D4(repeating: .infinity), hi = D4(repeating: -.infinity)
        let k = D4(repeating: shift)
        let a0 = D4(repeating: lower[0]), a1 = D4(repeating: lower[1]), a2 = D4(repeating: lower[2])
        let b0 = D4(repeating: upper[0]), b1 = D4(repeating: upper[1]), b2 = D4(repeating: upper[2])
        var c0 = I4(repeating: 0), c1 = c0, c2 = c0, nn = c0
        let u0 = buffers[0], u1 = buffers[1], u2 = buffers[2]
        var f0 = 0, f1 = 0, f2 = 0
        let chunks = p.count / 4
        for i in 0..<chunks {
            let v = raw.loadUnaligned(fromByteOffset: i &* 32, as: D4.self)
            let ok = lanes(v .== v)
            let d = double(bits(v - k) & ok)
            s += d
            q += d * d
            lo = choose(lanes(v .< lo), v, lo)
            hi = choose(lanes(v .> hi), v, hi)
            nn &-= ok
            let l0 = lanes(v .< a0), l1 = lanes(v .< a1), l2 = lanes(v .< a2)
            c0 &-= l0
            c1 &-= l1
            c2 &-= l2
            let w0 = ~l0 & lanes(v .<= b0), w1 = ~l1 & lanes(v .<= b1), w2 = ~l2 & lanes(v .<= b2)
            let any = w0 | w1 | w2
            if any[0] | any[1] | any[2] | any[3] != 0 {
                for j in 0..<4 {
                    if w0[j] != 0 { if f0 < u0.count { u0[f0] = v[j] }; f0 &+= 1 }
                    if w1[j] != 0 { if f1 < u1.count { u1[f1] = v[j] }; f1 &+= 1 }
                    if w2[j] != 0 { if f2 < u2.count { u2[f2] = v[j] }; f2 &+= 1 }
                }
            }
        }
        t.count = Int(nn.wrappedSum())
        t.shifted = s.sum()
        t.squares = q.sum()
        t.min = lo.min()
        t.max = hi.max()
        t.below = [Int(c0.wrappedSum()), Int(c1.wrappedSum()), Int(c2.wrappedSum())]
        t.filled = [f0, f1, f2]
        for i in (chunks * 4)..<p.count {
            let x = p[i]
            if x.isNaN { continue }
            t.count += 1
            t.shifted += x - shift
            t.squares += (x - shift) * (x - shift)
            t.min = Swift.min(t.min, x)
            t.max = Swift.max(t.max, x)
            for j in 0..<3 {
                if x < lower[j] { t.below[j] += 1 } else if x <= upper[j] {
                    if t.filled[j] < buffers[j].count { buffers[j][t.filled[j]] = x }
                    t.filled[j] += 1
                }
            }
        }
        return t
    }

    /// Σ (x − mean)² over the elements that are not NaN.
    static func squaredDeviations(_ p: UnsafeBufferPointer<Double>, mean: Double) -> Double {
        let raw = UnsafeRawPointer(p.baseAddress!)
        var q = D4(repeating: 0)
        let mv = D4(repeating: mean)
        let chunks = p.count / 4
        for i in 0..<chunks {
            let v = raw.loadUnaligned(fromByteOffset: i &* 32, as: D4.self)
            let d = double(bits(v - mv) & lanes(v .== v))
            q += d * d
        }
        var total = q.sum()
        for i in (chunks * 4)..<p.count where !p[i].isNaN { total += (p[i] - mean) * (p[i] - mean) }
        return total
    }

    /// The element of rank `k` (0-based) of `a`, reordering `a` so that the
    /// elements after it are no smaller. Quickselect, median-of-three pivots.
    static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
        var l = 0, h = a.count - 1
        while l < h {
            let mid = l + (h - l) / 2
            if a[mid] < a[l] { a.swapAt(mid, l) }
            if a[h] < a[l] { a.swapAt(h, l) }
            if a[h] < a[mid] { a.swapAt(h, mid) }
            let pivot = a[mid]
            var i = l, j = h
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { h = j } else if k >= i { l = i } else { break }
        }
        return a[k]
    }
}
