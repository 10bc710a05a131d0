import OrderedCollections
/// One-line summaries of values for people: type, size, and a preview.
extension Value {
    /// A one-line description of this value at most `width` characters wide.
    ///
    /// ```
    /// 0.01
    /// "hello"
    /// [Double] 1 000 000 · min -2.1 · mean 0.03 · max 2.2
    /// [Int] [1, 2, 3]
    /// Array 500 [{id: 0, name: "a"}, {id: 1, name: "b"}, …]
    /// {users: Array 500, items: Array 300, seed: 7}
    /// ```
    public func summary(width: Int = 80) -> String {
        let width = max(width, 12)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return NumberFormatting.exact(d)
        case .string(let s): return Value.quoted(s, width: width)
        case .bytes(let d):
            let preview = d.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
            return "Bytes \(NumberFormatting.count(d.count))" + (d.isEmpty ? "" : " <\(preview)\(d.count > 8 ? " …" : "")>")
        case .numeric(let n): return n.summary(width: width)
        case .array(let a):
            let head = "Array \(NumberFormatting.count(a.count))"
            return head + " " + Value.list(a.map { $0.inlineSummary }, open: "[", close: "]",
                                           total: a.count, width: width - head.count - 1)
        case .object(let o):
            return Value.list(o.map { "\($0.key): \($0.value.inlineSummary)" }, open: "{", close: "}",
                              total: o.count, width: width)
        }
    }

    /// The summary led by the type name, once: `Int 3`, `Array 2 [1, 2]`, `[Double] 1 000 · min …`.
    public func typedSummary(width: Int = 80) -> String {
        let s = summary(width: max(12, width - typeName.count - 1))
        return s.hasPrefix(typeName) ? s : "\(typeName) \(s)"
    }

    /// A short form for use inside another summary: scalars in full, collections by type and size.
    var inlineSummary: String {
        switch self {
        case .array(let a): return "Array \(NumberFormatting.count(a.count))"
        case .object(let o): return o.isEmpty ? "{}" : "Object \(NumberFormatting.count(o.count))"
        case .numeric(let n): return n.count <= 4 ? n.summary(width: 40) : "\(n.typeName) \(NumberFormatting.count(n.count))"
        case .string(let s): return Value.quoted(s, width: 24)
        case .bytes(let d): return "Bytes \(NumberFormatting.count(d.count))"
        default: return summary()
        }
    }

    /// `items` between `open` and `close`, as many as fit in `width`, then `…`.
    static func list(_ items: [String], open: String, close: String, total: Int, width: Int) -> String {
        var out = open
        for (i, item) in items.enumerated() {
            let sep = i == 0 ? "" : ", "
            let rest = total - i - 1
            // Room for this item and, when more follow, for the note that would replace them.
            let tail = rest > 0 ? ", … \(NumberFormatting.count(rest)) more" + close : close
            if out.count + sep.count + item.count + tail.count > width {
                return out + sep + "… \(NumberFormatting.count(total - i)) more" + close
            }
            out += sep + item
        }
        return out + close
    }

    /// `s` in double quotes with escapes, cut to `width` with a count of the rest.
    static func quoted(_ s: String, width: Int) -> String {
        let escaped = StringEscaping.escaped(s, control: .swift)
        if escaped.count + 2 <= width { return "\"\(escaped)\"" }
        let note = " (\(NumberFormatting.count(s.count)) chars)"
        let keep = max(1, width - 3 - note.count)
        return "\"\(escaped.prefix(keep))…\"" + note
    }
}

extension NumericArray {
    /// Statistics of the elements: count, NaN count, min, max, mean (of the non-NaN elements).
    public struct Statistics: Sendable, Equatable {
        public var count: Int
        public var nanCount: Int
        public var min: Double
        public var max: Double
        public var mean: Double
        public var standardDeviation: Double
        /// For Bool arrays: how many are true.
        public var trueCount: Int
    }

    /// Count, NaNs, min, max, mean and standard deviation (of the non-NaN
    /// elements) in two tight passes over the elements.
    public func statistics() -> Statistics {
        var s = Statistics(count: count, nanCount: 0, min: .nan, max: .nan, mean: .nan, standardDeviation: .nan, trueCount: 0)
        if case .bool(let a) = storage {
            s.trueCount = a.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        let xs = doubles()
        xs.withUnsafeBufferPointer { p in
            var n = 0, nan = 0
            var lo = Double.infinity, hi = -Double.infinity, sum = 0.0
            for x in p {
                if x.isNaN { nan += 1; continue }
                n += 1
                sum += x
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
            s.nanCount = nan
            guard n > 0 else { return }
            let mean = sum / Double(n)
            var m2 = 0.0, correction = 0.0
            for x in p where !x.isNaN {
                let d = x - mean
                m2 += d * d
                correction += d
            }
            // The two-pass formula with its rounding correction (Chan, Golub, LeVeque).
            let variance = Swift.max(0, (m2 - correction * correction / Double(n)) / Double(n))
            s.min = lo
            s.max = hi
            // With an infinity among the elements the correction is NaN; the plain mean is right.
            s.mean = mean.isFinite ? mean + correction / Double(n) : mean
            s.standardDeviation = variance.squareRoot()
        }
        return s
    }

    /// What a summary shows: ``statistics()`` without the spread, and for a
    /// large `[Double]` in one vectorised pass on all cores (``RangeScan``),
    /// since every save of an artifact computes it.
    func rangeStatistics() -> Statistics {
        guard case .float64(let a) = storage, a.count >= RangeScan.minimumCount else { return statistics() }
        let r = a.withUnsafeBufferPointer { RangeScan.scan($0) }
        let none = r.count == 0
        return Statistics(count: count, nanCount: count - r.count, min: none ? .nan : r.min, max: none ? .nan : r.max,
                          mean: none ? .nan : r.sum / Double(r.count), standardDeviation: .nan, trueCount: 0)
    }

    /// `[Double] 1 000 000 · min -2.1 · mean 0.03 · max 2.2 · NaN 3`, or the
    /// elements themselves when they fit in `width`.
    public func summary(width: Int = 80) -> String {
        if count == 0 { return "\(typeName) 0" }
        if rank == 1, count <= 16 {
            let items = (0..<count).map { storage.scalar(at: $0).summary() }
            let text = "\(typeName) [\(items.joined(separator: ", "))]"
            if text.count <= width { return text }
        }
        let st = rangeStatistics()
        var parts = ["\(typeName) \(NumberFormatting.count(count))"]
        if elementType == .bool {
            parts.append("true \(NumberFormatting.count(st.trueCount))")
        } else if st.nanCount < count {
            parts += ["min \(NumberFormatting.short(st.min))", "mean \(NumberFormatting.short(st.mean))",
                      "max \(NumberFormatting.short(st.max))"]
        }
        if st.nanCount > 0 { parts.append("NaN \(NumberFormatting.count(st.nanCount))") }
        var text = parts[0]
        for p in parts.dropFirst() where text.count + 3 + p.count <= width { text += " · " + p }
        return text
    }
}

extension String {
    func leftPadded(to n: Int, with pad: Character = "0") -> String {
        count >= n ? self : String(repeating: pad, count: n - count) + self
    }
}
