import Foundation
import OrderedCollections
/// Multi-line views of values for people, bounded in width and height.
extension Value {
    /// This value over several lines, each at most `width` characters, at most
    /// `lines` lines in all (a last line says how much was left out).
    ///
    /// Objects list one member a line with aligned keys; arrays of flat
    /// objects print as a table; long arrays show their head and tail.
    public func rendered(width: Int = 100, lines: Int = 40) -> String {
        var out: [String] = []
        render(into: &out, indent: "", width: max(width, 20), budget: max(lines, 3))
        return out.joined(separator: "\n")
    }

    private func render(into out: inout [String], indent: String, width: Int, budget: Int) {
        let room = width - indent.count
        switch self {
        case .object(let o) where !o.isEmpty:
            let keyWidth = min(o.keys.map(\.count).max() ?? 0, 24)
            var used = 0
            for (i, (k, v)) in o.enumerated() {
                if used >= budget - 1 && i < o.count - 1 {
                    out.append(indent + "… \(NumberFormatting.count(o.count - i)) more keys")
                    return
                }
                let label = k.padding(toLength: max(keyWidth, k.count), withPad: " ", startingAt: 0)
                // A collection goes on lines of its own only when its one-line summary is cut.
                let nested: Bool
                switch v {
                case .object, .array: nested = (v.count ?? 0) > 0 && v.summary(width: room - label.count - 2).contains("…")
                default: nested = false
                }
                if nested && budget - used > 3 {
                    out.append(indent + k + ":")
                    var sub: [String] = []
                    v.render(into: &sub, indent: indent + "  ", width: width, budget: min(budget - used - 1, max(3, (budget - used) / 2)))
                    out += sub
                    used += 1 + sub.count
                } else {
                    out.append(indent + label + "  " + v.summary(width: room - label.count - 2))
                    used += 1
                }
            }
        case .array(let a) where !a.isEmpty:
            if let table = Value.table(a, width: room, rows: budget - 2) {
                out += table.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
                return
            }
            let digits = String(a.count - 1).count + 2
            let show = a.count <= budget ? Array(a.indices) : Array(0..<(budget - 2) / 2 + (budget - 2) % 2) + Array((a.count - (budget - 2) / 2)..<a.count)
            var previous = -1
            for i in show {
                if previous >= 0 && i != previous + 1 {
                    out.append(indent + "… \(NumberFormatting.count(i - previous - 1)) more")
                }
                let label = "[\(i)]".padding(toLength: digits, withPad: " ", startingAt: 0)
                out.append(indent + label + " " + a[i].summary(width: room - digits - 1))
                previous = i
            }
        case .numeric(let n) where n.rank == 2 && n.count > 0:
            out.append(indent + n.summary(width: room))
            let rows = n.shape[0]
            let showRows = min(rows, budget - 2)
            for r in 0..<showRows {
                out.append(indent + "  " + n.element(at: r).summary(width: room - 2))
            }
            if showRows < rows { out.append(indent + "  … \(NumberFormatting.count(rows - showRows)) more rows") }
        default:
            out.append(indent + summary(width: room))
        }
    }

    /// An aligned table of `rows` when every row is an object whose members are
    /// all scalars; `nil` otherwise. Numbers align right, other cells left.
    ///
    /// ```
    /// id  name   score
    /// --  -----  -----
    ///  0  "ann"   0.91
    ///  1  "bob"   0.87
    /// ```
    public static func table(_ rows: [Value], width: Int = 100, rows maxRows: Int = 20) -> String? {
        guard !rows.isEmpty else { return nil }
        var columns: [String] = []
        var seen = Set<String>()
        for row in rows {
            guard case .object(let o) = row else { return nil }
            for (k, v) in o {
                switch v {
                case .array, .object, .numeric, .bytes: return nil
                default: break
                }
                if seen.insert(k).inserted { columns.append(k) }
            }
        }
        let shown = rows.count <= maxRows ? rows : Array(rows.prefix(max(1, maxRows - 1)))
        let cellLimit = max(6, min(30, width / max(columns.count, 1) - 2))
        let cells: [[String]] = shown.map { row in
            columns.map { c in
                let text = row[c].map { $0.summary(width: cellLimit) } ?? ""
                return text.count > cellLimit ? String(text.prefix(cellLimit - 1)) + "…" : text
            }
        }
        let numeric: [Bool] = columns.indices.map { j in
            shown.allSatisfy { row in
                guard let v = row[columns[j]] else { return true }
                return v.doubleValue != nil || v == .null
            }
        }
        let widths = columns.indices.map { j in max(columns[j].count, cells.map { $0[j].count }.max() ?? 0) }
        func line(_ items: [String], alignRight: [Bool]) -> String {
            items.indices.map { j in
                let pad = String(repeating: " ", count: widths[j] - items[j].count)
                return alignRight[j] ? pad + items[j] : items[j] + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(columns, alignRight: numeric),
                   line(widths.map { String(repeating: "-", count: $0) }, alignRight: numeric)]
        out += cells.map { line($0, alignRight: numeric) }
        if shown.count < rows.count { out.append("… \(NumberFormatting.count(rows.count - shown.count)) more rows") }
        return out.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
