import Foundation
import OrderedCollections

/// `Value` is itself `Codable`, so it can sit inside a step's own `Codable`
/// types. Through ``ValueEncoder`` and ``ValueDecoder`` it passes unchanged;
/// through other coders (JSON, say) it takes its natural form: numeric arrays
/// become arrays of numbers and bytes an array of integers, so those two
/// kinds come back as plain arrays.
extension Value: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer(); try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d):
            var c = encoder.singleValueContainer(); try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer(); try c.encode(s)
        case .bytes(let d):
            var c = encoder.singleValueContainer(); try c.encode(Array(d))
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for e in a { try c.encode(e) }
        case .object(let o):
            var c = encoder.container(keyedBy: IndexKey.self)
            for (k, v) in o { try c.encode(v, forKey: IndexKey(stringValue: k)!) }
        case .numeric(let n):
            var c = encoder.unkeyedContainer()
            for i in 0..<n.indices.count { try c.encode(n.element(at: i)) }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let tree = decoder as? TreeDecoder { self = tree.value; return }
        if let c = try? decoder.container(keyedBy: IndexKey.self) {
            var o = OrderedDictionary<String, Value>()
            for k in c.allKeys { o[k.stringValue] = try c.decode(Value.self, forKey: k) }
            self = .object(o)
            return
        }
        if var c = try? decoder.unkeyedContainer() {
            var a: [Value] = []
            while !c.isAtEnd { a.append(try c.decode(Value.self)) }
            self = .array(a)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else { self = .string(try c.decode(String.self)) }
    }
}
