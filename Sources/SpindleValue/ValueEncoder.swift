import Foundation
import OrderedCollections

/// Turns any `Encodable` value into a ``Value``.
///
/// `[Double]`, `[Float]`, `[Int]`, `[Int64]`, `[Int32]`, `[UInt8]` and `[Bool]`
/// become ``NumericArray``s without touching each element, `Data` becomes
/// `.bytes`, `Date` becomes `.double` (seconds since 1970), `URL` its absolute
/// string, and a ``Value`` stays itself. Everything else goes through
/// `Encodable`: structs and dictionaries become ordered objects, arrays become
/// arrays, optionals that are `nil` become `.null` (or are left out of an
/// object by `encodeIfPresent`).
///
/// ```swift
/// struct Model: Codable { var weights: [Double]; var rate: Double }
/// let v = try ValueEncoder().encode(Model(weights: [0.1, 0.2], rate: 0.01))
/// // .object(["weights": .numeric([Double] 2), "rate": .double(0.01)])
/// ```
public struct ValueEncoder: Sendable {
    public init() {}

    /// The ``Value`` form of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> Value {
        if let fast = try ValueEncoder.fastPath(value, codingPath: []) { return fast }
        let encoder = TreeEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.node.finish(codingPath: [])
    }

    /// The direct form of the types that bypass `Encodable`, or `nil`.
    static func fastPath<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Value? {
        switch value {
        case let v as Value: return v
        case let v as NumericArray: return .numeric(v)
        case let v as Data: return .bytes(v)
        case let v as Date: return .double(v.timeIntervalSince1970)
        case let v as URL: return .string(v.absoluteString)
        default: break
        }
        // Exact type checks first: `as?` on arrays would otherwise cast element by element.
        if T.self == [Double].self { return .numeric(NumericArray(value as! [Double])) }
        if T.self == [Float].self { return .numeric(NumericArray(value as! [Float])) }
        if T.self == [Int].self { return .numeric(NumericArray(value as! [Int])) }
        if T.self == [Int64].self { return .numeric(NumericArray(value as! [Int64])) }
        if T.self == [Int32].self { return .numeric(NumericArray(value as! [Int32])) }
        if T.self == [UInt8].self { return .numeric(NumericArray(value as! [UInt8])) }
        if T.self == [Bool].self { return .numeric(NumericArray(value as! [Bool])) }
        return nil
    }
}

/// One node of the value under construction; containers share nodes by reference.
final class EncodingNode {
    enum Content {
        case empty
        case value(Value)
        case object(OrderedDictionary<String, EncodingNode>)
        case array([EncodingNode])
    }
    var content: Content = .empty

    func finish(codingPath: [any CodingKey]) -> Value {
        switch content {
        case .empty: return .object([:])
        case .value(let v): return v
        case .object(let o):
            var out = OrderedDictionary<String, Value>(minimumCapacity: o.count)
            for (k, n) in o { out[k] = n.finish(codingPath: codingPath) }
            return .object(out)
        case .array(let a): return .array(a.map { $0.finish(codingPath: codingPath) })
        }
    }
}

final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let node: EncodingNode

    init(codingPath: [any CodingKey], node: EncodingNode = EncodingNode()) {
        self.codingPath = codingPath
        self.node = node
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(KeyedEncoding<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedEncoding(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoding(node: node, codingPath: codingPath)
    }

    /// Encodes `value` into a fresh node at `path`.
    static func encodeChild<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> EncodingNode {
        let child = EncodingNode()
        if let fast = try ValueEncoder.fastPath(value, codingPath: path) {
            child.content = .value(fast)
        } else {
            try value.encode(to: TreeEncoder(codingPath: path, node: child))
        }
        return child
    }
}

/// The integer value of `v`, or an error naming the place when it does not fit in 64 bits.
func encodeInteger<T: BinaryInteger>(_ v: T, at path: [any CodingKey]) throws -> Value {
    guard let i = Int64(exactly: v) else {
        throw EncodingError.invalidValue(v, .init(codingPath: path,
            debugDescription: "\(renderCodingPath(root: "", path)): \(v) does not fit in a 64-bit integer"))
    }
    return .int(i)
}

struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ key: Key, _ child: EncodingNode) {
        guard case .object(var o) = node.content else { return }
        node.content = .empty  // release the reference so the dictionary is not copied
        o[key.stringValue] = child
        node.content = .object(o)
    }
    private func set(_ key: Key, _ value: Value) {
        let child = EncodingNode()
        child.content = .value(value)
        set(key, child)
    }

    mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(key, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(key, .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, try encodeInteger(value, at: codingPath + [key])) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, try encodeInteger(value, at: codingPath + [key])) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(key, try TreeEncoder.encodeChild(value, at: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        child.content = .object([:])
        set(key, child)
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(node: child, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        child.content = .array([])
        set(key, child)
        return UnkeyedEncoding(node: child, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        guard case .object(var o) = node.content else { return TreeEncoder(codingPath: codingPath, node: child) }
        node.content = .empty
        o[SuperKey().stringValue] = child
        node.content = .object(o)
        return TreeEncoder(codingPath: codingPath + [SuperKey()], node: child)
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        set(key, child)
        return TreeEncoder(codingPath: codingPath + [key], node: child)
    }
}

struct UnkeyedEncoding: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let a) = node.content { return a.count }
        return 0
    }

    private func append(_ child: EncodingNode) {
        guard case .array(var a) = node.content else { return }
        node.content = .empty
        a.append(child)
        node.content = .array(a)
    }
    private func append(_ value: Value) {
        let child = EncodingNode()
        child.content = .value(value)
        append(child)
    }
    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.double(value)) }
    mutating func encode(_ value: Float) throws { append(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { append(.int(value)) }
    mutating func encode(_ value: UInt) throws { append(try encodeInteger(value, at: nextPath)) }
    mutating func encode(_ value: UInt8) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { append(try encodeInteger(value, at: nextPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try TreeEncoder.encodeChild(value, at: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = EncodingNode()
        child.content = .object([:])
        append(child)
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(node: child, codingPath: path))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = EncodingNode()
        child.content = .array([])
        append(child)
        return UnkeyedEncoding(node: child, codingPath: path)
    }
    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        let child = EncodingNode()
        append(child)
        return TreeEncoder(codingPath: path, node: child)
    }
}

struct SingleValueEncoding: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ v: Value) { node.content = .value(v) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(.double(value)) }
    mutating func encode(_ value: Float) throws { set(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.int(value)) }
    mutating func encode(_ value: UInt) throws { set(try encodeInteger(value, at: codingPath)) }
    mutating func encode(_ value: UInt8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { set(try encodeInteger(value, at: codingPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if let fast = try ValueEncoder.fastPath(value, codingPath: codingPath) {
            set(fast)
        } else {
            try value.encode(to: TreeEncoder(codingPath: codingPath, node: node))
        }
    }
}
