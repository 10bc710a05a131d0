import Foundation
import Testing
@testable import SpindleValue

@Suite("Printing for people")
struct PrintingTests {
    @Test("one-line summaries", arguments: [
        (Value.null, "null"),
        (true, "true"),
        (42, "42"),
        (0.1, "0.1"),
        (3.0, "3.0"),
        ("hi \"x\"\n", #""hi \"x\"\n""#),
        (.bytes(Data([1, 2, 255])), "Bytes 3 <01 02 ff>"),
        (.numeric(NumericArray([1, 2, 3] as [Int])), "[Int] [1, 2, 3]"),
        (.numeric(NumericArray((0..<1_000_000).map { Double($0) })), "[Double] 1 000 000 · min 0 · mean 500000 · max 999999"),
        (.numeric(NumericArray([.nan] + (0..<100).map { Double($0) / 4 })), "[Double] 101 · min 0 · mean 12.375 · max 24.75 · NaN 1"),
        (.numeric(NumericArray((0..<100).map { $0 % 3 == 0 })), "[Bool] 100 · true 34"),
        (["users": .array(Array(repeating: ["id": 1], count: 500)), "seed": 7], "{users: Array 500, seed: 7}"),
        ([1, "a", [2]], #"Array 3 [1, "a", Array 1]"#),
        ([:], "{}"),
    ] as [(Value, String)])
    func summaries(value: Value, expected: String) {
        #expect(value.summary() == expected)
    }

    @Test("summaries respect the width")
    func width() {
        let long = Value.string(String(repeating: "x", count: 500))
        #expect(long.summary(width: 30) == "\"xxxxxxxxxxxxxxx…\" (500 chars)")
        let many = Value.array((0..<100).map { .int(Int64($0)) })
        let s = many.summary(width: 40)
        #expect(s.count <= 40)
        #expect(s == "Array 100 [0, 1, 2, 3, 4, 5, … 94 more]")
    }

    @Test("arrays of flat objects print as aligned tables")
    func table() {
        let rows: Value = [["id": 0, "name": "ann", "score": 0.91], ["id": 10, "name": "bob", "score": 0.875]]
        #expect(rows.rendered() == """
            id  name   score
            --  -----  -----
             0  "ann"   0.91
            10  "bob"  0.875
            """)
    }

    @Test("the multi-line form stays within its line budget")
    func budget() {
        let v = Value.array((0..<1000).map { .string("item \($0)") })
        let text = v.rendered(width: 60, lines: 8)
        let lines = text.split(separator: "\n")
        #expect(lines.count <= 8)
        #expect(lines.first == "[0]   \"item 0\"")
        #expect(lines.contains("… 994 more"))
        #expect(lines.last == "[999] \"item 999\"")
    }

    @Test("objects list one member a line with aligned keys")
    func object() {
        let v: Value = ["rate": 0.01, "epochs": 20, "model": ["bias": 0.5, "w": .numeric(NumericArray([1, 2] as [Double]))]]
        #expect(v.rendered() == """
            rate    0.01
            epochs  20
            model   {bias: 0.5, w: [Double] [1.0, 2.0]}
            """)
    }

    @Test("JSON export, non-finite numbers as documented strings")
    func json() throws {
        let v: Value = ["a": 1, "b": 2.5, "c": .double(.nan), "d": .double(-.infinity), "e": "x\"\n",
                        "f": .numeric(try NumericArray([1, 2, 3, 4], shape: [2, 2])), "g": .bytes(Data([1, 2])), "h": nil]
        #expect(v.jsonText() == #"{"a":1,"b":2.5,"c":"NaN","d":"-Infinity","e":"x\"\n","f":[[1.0,2.0],[3.0,4.0]],"g":"AQI=","h":null}"#)
        #expect(Value.array([1, [:]]).jsonText(pretty: true) == "[\n  1,\n  {}\n]")
        // What we write, JSON readers read.
        let parsed = try JSONSerialization.jsonObject(with: Data(v.jsonText().utf8))
        #expect(parsed is [String: Any])
    }
}

@Suite("describe")
struct DescribeTests {
    @Test("describe agrees with sorting, NaNs skipped, on small and large arrays", arguments: [10, 5000, 200_001, 300_000, 1_000_003])
    func agrees(n: Int) {
        var g = SeededGenerator(seed: UInt64(n))
        var xs = (0..<n).map { _ in Double.random(in: -5...5, using: &g) }
        xs[n / 2] = .nan
        let (s, q) = NumericArray(xs).describe()
        let sorted = xs.filter { !$0.isNaN }.sorted()
        func quantile(_ p: Double) -> Double {
            let pos = p * Double(sorted.count - 1), r = Int(pos)
            return r + 1 < sorted.count ? sorted[r] + (sorted[r + 1] - sorted[r]) * (pos - Double(r)) : sorted[r]
        }
        #expect(s.nanCount == 1)
        #expect(s.min == sorted.first && s.max == sorted.last)
        #expect(abs(s.mean - sorted.reduce(0, +) / Double(sorted.count)) < 1e-9)
        let variance = sorted.reduce(0.0) { $0 + ($1 - s.mean) * ($1 - s.mean) } / Double(sorted.count)
        #expect(abs(s.standardDeviation - variance.squareRoot()) < 1e-9)
        #expect(q == [quantile(0.25), quantile(0.5), quantile(0.75)])
    }
}

@Suite("describe on awkward data")
struct DescribeAwkwardTests {
    @Test("sorted, constant, skewed and repeated values give the sorted answer", arguments: [0, 1, 2, 3])
    func awkward(kind: Int) {
        let n = 400_000
        let xs: [Double]
        switch kind {
        case 0: xs = (0..<n).map(Double.init)                       // sorted: a strided sample still spans it
        case 1: xs = [Double](repeating: 3, count: n)               // constant
        case 2: xs = (0..<n).map { pow(Double($0) / Double(n), 8) } // skewed
        default: xs = (0..<n).map { Double($0 % 7) }                // few distinct values
        }
        let (_, q) = NumericArray(xs).describe()
        let sorted = xs.sorted()
        func quantile(_ p: Double) -> Double {
            let pos = p * Double(sorted.count - 1), r = Int(pos)
            return r + 1 < sorted.count ? sorted[r] + (sorted[r + 1] - sorted[r]) * (pos - Double(r)) : sorted[r]
        }
        #expect(q == [quantile(0.25), quantile(0.5), quantile(0.75)])
    }
}

@Suite("describe where a strided sample misleads")
struct DescribeSampleTests {
    static func expectSorted(_ xs: [Double], _ comment: Comment) {
        let (s, q) = NumericArray(xs).describe()
        let sorted = xs.filter { !$0.isNaN }.sorted()
        func quantile(_ p: Double) -> Double {
            let pos = p * Double(sorted.count - 1), r = Int(pos)
            return r + 1 < sorted.count ? sorted[r] + (sorted[r + 1] - sorted[r]) * (pos - Double(r)) : sorted[r]
        }
        #expect(q == [quantile(0.25), quantile(0.5), quantile(0.75)], comment)
        #expect(s.min == sorted.first && s.max == sorted.last, comment)
        #expect(s.nanCount == xs.count - sorted.count, comment)
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        #expect(s.mean == mean || abs(s.mean - mean) <= 1e-9 * max(1, abs(mean)), comment)
    }

    @Test("ordinary data takes the one-pass path")
    func fastPath() {
        var g = SeededGenerator(seed: 3)
        let xs = (0..<1_000_000).map { _ in Double.random(in: -3...3, using: &g) }
        let scanned = xs.withUnsafeBufferPointer { DescribeScan.scan($0, quantiles: [0.25, 0.5, 0.75]) }
        #expect(scanned != nil)
        Self.expectSorted(xs, "uniform")
    }

    @Test("data periodic in the sample's stride still gives the sorted answer")
    func periodic() {
        let n = 1 << 20, stride = n / DescribeScan.sampleSize
        // Every sampled element is 0; the rest spread over 1…100.
        Self.expectSorted((0..<n).map { $0 % stride == 0 ? 0 : Double($0 % 100 + 1) }, "periodic")
    }

    @Test("infinities, many NaNs and a large offset")
    func extremes() {
        var g = SeededGenerator(seed: 7)
        var xs = (0..<300_000).map { _ in Double.random(in: 0...1, using: &g) }
        xs[10] = .infinity
        Self.expectSorted(xs, "an infinity")
        xs = (0..<300_000).map { $0 % 3 == 0 ? .nan : Double.random(in: 0...1, using: &g) }
        Self.expectSorted(xs, "a third NaN")
        xs = (0..<300_000).map { _ in 1e9 + Double.random(in: 0...1, using: &g) }
        let (s, _) = NumericArray(xs).describe()
        let mean = xs.reduce(0, +) / Double(xs.count)
        let sd = (xs.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count)).squareRoot()
        #expect(abs(s.standardDeviation - sd) < 1e-6, "spread survives an offset of 1e9")
        Self.expectSorted(xs, "offset")
    }
}
