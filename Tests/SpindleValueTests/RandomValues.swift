import Foundation
import OrderedCollections
@testable import SpindleValue

/// A random value of bounded depth and size, covering every case.
func randomValue(_ g: inout SeededGenerator, depth: Int = 0) -> Value {
    let leafOnly = depth >= 3
    switch Int.random(in: 0..<(leafOnly ? 7 : 10), using: &g) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &g))
    case 2: return .int(Int64.random(in: .min ... .max, using: &g))
    case 3:
        let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        return .double(Bool.random(using: &g) ? specials.randomElement(using: &g)! : Double.random(in: -1e9...1e9, using: &g))
    case 4:
        let alphabet = Array("abcxyz é中🙂\n\"\\")
        return .string(String((0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! }))
    case 5: return .bytes(Data((0..<Int.random(in: 0...20, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }))
    case 6: return .numeric(randomNumeric(&g))
    case 7: return .array((0..<Int.random(in: 0...5, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
    default:
        var o = OrderedDictionary<String, Value>()
        for i in 0..<Int.random(in: 0...5, using: &g) { o["k\(i)_\(Int.random(in: 0...99, using: &g))"] = randomValue(&g, depth: depth + 1) }
        return .object(o)
    }
}

func randomNumeric(_ g: inout SeededGenerator) -> NumericArray {
    let rows = Int.random(in: 0...4, using: &g), cols = Int.random(in: 1...4, using: &g)
    let n = rows * cols
    let shape = Bool.random(using: &g) ? [n] : [rows, cols]
    let storage: NumericArray.Storage
    switch Int.random(in: 0..<6, using: &g) {
    case 0: storage = .float64((0..<n).map { _ in Double.random(in: -10...10, using: &g) })
    case 1: storage = .float32((0..<n).map { _ in Float.random(in: -10...10, using: &g) })
    case 2: storage = .int64((0..<n).map { _ in Int64.random(in: .min ... .max, using: &g) })
    case 3: storage = .int32((0..<n).map { _ in Int32.random(in: .min ... .max, using: &g) })
    case 4: storage = .uint8((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
    default: storage = .bool((0..<n).map { _ in Bool.random(using: &g) })
    }
    return try! NumericArray(storage: storage, shape: shape)
}
