import OrderedCollections

extension ValueDiff: CustomStringConvertible {
    /// One line a change: `~` changed, `+` added, `-` removed; `no changes` when empty.
    public var description: String {
        if isEmpty { return "no changes" }
        var lines = changes.map(\.description)
        if omitted > 0 { lines.append("… \(NumberFormatting.count(omitted)) more changes") }
        return lines.joined(separator: "\n")
    }

    /// The diff as a value, for JSON output: `{"equal": false, "changes": [...], "omitted": 0}`.
    public var jsonValue: Value {
        .object(["equal": .bool(isEmpty),
                 "tolerance": ["absolute": .double(tolerance.absolute), "relative": .double(tolerance.relative)],
                 "changes": .array(changes.map(\.jsonValue)),
                 "omitted": .int(Int64(omitted))])
    }
}

extension ValueChange: CustomStringConvertible {
    private var place: String { path.isEmpty ? "(value)" : path }

    public var description: String {
        switch kind {
        case .added(let v): return "+ \(place): \(v.typedSummary(width: 60))"
        case .removed(let v): return "- \(place): \(v.typedSummary(width: 60))"
        case .typeChanged(let o, let n):
            return "~ \(place): \(o.typeName) → \(n.typeName) (\(o.summary(width: 30)) → \(n.summary(width: 30)))"
        case .scalar(let o, let n):
            var text = "~ \(place): \(o.summary(width: 40)) → \(n.summary(width: 40))"
            if let a = o.doubleValue, let b = n.doubleValue, a.isFinite, b.isFinite, a != b {
                let d = b - a
                text += " (\(d >= 0 ? "+" : "")\(NumberFormatting.short(d))"
                if a != 0 { text += ", \(d >= 0 ? "+" : "")\(NumberFormatting.percent(d / abs(a)))" }
                text += ")"
            }
            return text
        case .length(let o, let n):
            return "~ \(place): length \(NumberFormatting.count(o)) → \(NumberFormatting.count(n))"
        case .bytes(let o, let n, let first):
            return "~ \(place): Bytes \(NumberFormatting.count(o)) → \(NumberFormatting.count(n)), first difference at byte \(first)"
        case .numeric(let d):
            var parts: [String] = []
            let oldName = "[\(d.oldType.name)]", newName = "[\(d.newType.name)]"
            if d.oldType != d.newType { parts.append("type \(oldName) → \(newName)") }
            if d.oldShape != d.newShape {
                parts.append("shape \(d.oldShape.map(String.init).joined(separator: "×")) → \(d.newShape.map(String.init).joined(separator: "×"))")
            }
            if d.differing > 0 {
                var s = "\(NumberFormatting.count(d.differing)) of \(NumberFormatting.count(d.compared)) elements differ"
                s += " (max abs \(NumberFormatting.short(d.maxAbsolute)), max rel \(NumberFormatting.percent(d.maxRelative)))"
                if let i = d.firstIndex, let (a, b) = d.firstPair {
                    s += ", first at [\(i)]: \(NumberFormatting.short(a)) → \(NumberFormatting.short(b))"
                }
                parts.append(s)
            }
            return "~ \(place): \(newName) " + parts.joined(separator: "; ")
        }
    }

    /// The change as a value, for JSON output.
    public var jsonValue: Value {
        var o: OrderedDictionary<String, Value> = ["path": .string(path)]
        switch kind {
        case .added(let v): o["change"] = "added"; o["new"] = .string(v.summary())
        case .removed(let v): o["change"] = "removed"; o["old"] = .string(v.summary())
        case .typeChanged(let a, let b):
            o["change"] = "type"; o["oldType"] = .string(a.typeName); o["newType"] = .string(b.typeName)
        case .scalar(let a, let b): o["change"] = "value"; o["old"] = a; o["new"] = b
        case .length(let a, let b): o["change"] = "length"; o["old"] = .int(Int64(a)); o["new"] = .int(Int64(b))
        case .bytes(let a, let b, let f):
            o["change"] = "bytes"; o["oldCount"] = .int(Int64(a)); o["newCount"] = .int(Int64(b))
            o["firstDifference"] = .int(Int64(f))
        case .numeric(let d):
            o["change"] = "numeric"
            o["oldType"] = .string(d.oldType.name); o["newType"] = .string(d.newType.name)
            o["oldShape"] = .numeric(NumericArray(d.oldShape)); o["newShape"] = .numeric(NumericArray(d.newShape))
            o["compared"] = .int(Int64(d.compared)); o["differing"] = .int(Int64(d.differing))
            o["maxAbsolute"] = .double(d.maxAbsolute); o["maxRelative"] = .double(d.maxRelative)
            o["firstIndex"] = d.firstIndex.map { .int(Int64($0)) } ?? .null
        }
        return .object(o)
    }
}
