import Testing
@testable import SpindleValue

@Suite("Structural diff")
struct ValueDiffTests {
    @Test("equal values have no changes, NaN included")
    func equal() {
        let v: Value = ["a": 1, "b": [1.5, .double(.nan)], "c": .numeric(NumericArray([.nan, 2] as [Double]))]
        let d = ValueDiff(old: v, new: v)
        #expect(d.isEmpty)
        #expect(d.description == "no changes")
    }

    @Test("keys added, removed and changed, in the new value's order")
    func keys() {
        let d = ValueDiff(old: ["rmse": 0.5, "n": 3, "name": "a"], new: ["rmse": 0.4, "k": true, "name": "a"])
        #expect(d.changes.map(\.path) == ["rmse", "k", "n"])
        #expect(d.description == """
            ~ rmse: 0.5 → 0.4 (-0.1, -20%)
            + k: Bool true
            - n: Int 3
            """)
    }

    @Test("scalars within the tolerance are equal", arguments: [
        (1.0, 1.05, Tolerance(absolute: 0.1), true),
        (1.0, 1.2, Tolerance(absolute: 0.1), false),
        (100.0, 101.0, Tolerance(relative: 0.01), true),
        (100.0, 102.0, Tolerance(relative: 0.01), false),
        (0.0, 1e-12, Tolerance.exact, false),
        (Double.nan, Double.nan, Tolerance.exact, true),
        (Double.nan, 1.0, Tolerance(absolute: 1e9), false),
        (Double.infinity, Double.infinity, Tolerance.exact, true),
        (Double.infinity, 1e308, Tolerance(relative: 1), false),
    ])
    func tolerance(a: Double, b: Double, t: Tolerance, same: Bool) {
        #expect(ValueDiff(old: .double(a), new: .double(b), tolerance: t).isEmpty == same)
    }

    @Test("numeric arrays: count beyond tolerance, largest differences, first index")
    func numeric() throws {
        let old = NumericArray([1, 2, 3, 4, 5] as [Double])
        let new = NumericArray([1, 2.001, 3, 4.5, 5] as [Double])
        let d = ValueDiff(old: ["w": .numeric(old)], new: ["w": .numeric(new)], tolerance: Tolerance(absolute: 0.01))
        guard case .numeric(let n) = try #require(d.changes.first).kind else {
            Issue.record("expected a numeric change"); return
        }
        #expect(n.differing == 1)
        #expect(n.compared == 5)
        #expect(n.firstIndex == 3)
        #expect(n.maxAbsolute == 0.5)
        #expect(abs(n.maxRelative - 0.5 / 4.5) < 1e-12)
        #expect(d.description == "~ w: [Double] 1 of 5 elements differ (max abs 0.5, max rel 11.1%), first at [3]: 4 → 4.5")
    }

    @Test("numeric arrays of another shape or type say so")
    func numericShape() throws {
        let a = Value.numeric(NumericArray([1, 2, 3, 4] as [Double]))
        let b = Value.numeric(try NumericArray(storage: .float32([1, 2, 3, 4]), shape: [2, 2]))
        let d = ValueDiff(old: a, new: b)
        #expect(d.description == "~ (value): [Float] type [Double] → [Float]; shape 4 → 2×2")
    }

    @Test("arrays: length changes and element changes")
    func arrays() {
        let d = ValueDiff(old: ["users": [["id": 1], ["id": 2], ["id": 3]]], new: ["users": [["id": 1], ["id": 5]]])
        #expect(d.description == """
            ~ users: length 3 → 2
            ~ users[1].id: 2 → 5 (+3, +150%)
            """)
    }

    @Test("type changes and strings")
    func types() {
        let d = ValueDiff(old: ["m": ["a": 1], "s": "old", "x": 1], new: ["m": [1], "s": "new", "x": 1.0])
        #expect(d.description == """
            ~ m: Object → Array ({a: 1} → Array 1 [1])
            ~ s: "old" → "new"
            ~ x: 1 → 1.0
            """)
    }

    @Test("the change list is bounded and counts the rest")
    func limit() {
        let old = Value.array((0..<50).map { .int(Int64($0)) })
        let new = Value.array((0..<50).map { .int(Int64($0 + 1)) })
        let d = ValueDiff(old: old, new: new, limit: 10)
        #expect(d.changes.count == 10)
        #expect(d.omitted == 40)
        #expect(d.description.hasSuffix("… 40 more changes"))
    }

    @Test("named sets: artifacts added, removed, changed; JSON form")
    func named() {
        let d = ValueDiff(oldNamed: [("a", 1), ("b", 2)], newNamed: [("a", 1), ("c", 3)])
        #expect(d.description == "+ c: Int 3\n- b: Int 2")
        #expect(d.jsonValue.jsonText() == """
            {"equal":false,"tolerance":{"absolute":0.0,"relative":0.0},"changes":[{"path":"c","change":"added","new":"3"},{"path":"b","change":"removed","old":"2"}],"omitted":0}
            """)
    }
}
