/// "Did you mean …?" for names people type: the candidate closest to a
/// mistyped name, when close enough to be a typo.
public enum Suggestion {
    /// ` (did you mean 'train'?)` for a suggestion, or nothing: the one way
    /// every error message ends with a hint.
    public static func hint(_ suggestion: String?) -> String {
        suggestion.map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The hint for the candidate nearest `name`, if one is close enough.
    public static func hint(for name: String, in candidates: [String]) -> String {
        hint(nearest(name, in: candidates))
    }

    /// The candidate nearest `name` (case ignored), when at most a third of its
    /// letters need an edit and not all of them do.
    public static func nearest(_ name: String, in candidates: [String]) -> String? {
        let n = Array(name.lowercased())
        // A candidate whose length differs by more than the edits allowed is
        // at least that far away: skip it without the quadratic distance (a
        // 1 MB name against a few short ones took seconds).
        let allowed = max(1, name.count / 3)
        let best = candidates.map { ($0, Array($0.lowercased())) }.filter { abs($0.1.count - n.count) <= allowed }
            .map { ($0.0, distance(n, $0.1)) }.min { $0.1 < $1.1 }
        guard let best, best.1 < name.count, best.1 <= allowed else { return nil }
        return best.0
    }

    /// Edits (insert, delete, replace, swap of two neighbours) from `a` to `b`.
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
