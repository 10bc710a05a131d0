import Foundation
import OrderedCollections

/// Turns a ``Value`` back into any `Decodable` type.
///
/// The inverse of ``ValueEncoder``: numeric arrays become `[Double]`, `[Int]`
/// and the other typed arrays in one pass, `.bytes` becomes `Data`. Numbers
/// convert where no information is lost: an `.int` decodes as `Double`, a
/// `.double` with an integral value as `Int`, and a plain array of numbers
/// (as the shell's literals make) as `[Double]`.
///
/// Errors name the place and what was there, prefixed by ``rootPath``:
///
/// ```swift
/// var d = ValueDecoder()
/// d.rootPath = "ratings"
/// try d.decode(Ratings.self, from: v)
/// // ratings.users[3].id: expected Int, found String
/// ```
public struct ValueDecoder: Sendable {
    /// The name that error paths start with (an artifact's name, say).
    public var rootPath: String

    public init(rootPath: String = "") { self.rootPath = rootPath }

    /// The `T` that `value` encodes.
    public func decode<T: Decodable>(_ type: T.Type, from value: Value) throws -> T {
        try TreeDecoder(value: value, codingPath: [], root: rootPath).decodeAny(T.self)
    }
}

/// A person's description of what a value is, for "found …" in errors.
func describeFound(_ v: Value) -> String {
    switch v {
    case .null: "null"
    case .numeric(let n): n.typeName
    default: v.typeName
    }
}

struct TreeDecoder: Decoder {
    let value: Value
    let codingPath: [any CodingKey]
    let root: String
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var pathText: String { renderCodingPath(root: root, codingPath) }

    func mismatch(_ expected: String) -> ValueDecodingError {
        ValueDecodingError(path: pathText, reason: .typeMismatch(expected: expected, found: describeFound(value)))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let o) = value else { throw mismatch("Object") }
        return KeyedDecodingContainer(KeyedDecoding<Key>(object: o, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let a): return UnkeyedDecoding(elements: .values(a), decoder: self)
        case .numeric(let n): return UnkeyedDecoding(elements: .numeric(n), decoder: self)
        default: throw mismatch("Array")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleDecoding(decoder: self) }

    func child(_ v: Value, _ key: any CodingKey) -> TreeDecoder {
        TreeDecoder(value: v, codingPath: codingPath + [key], root: root)
    }

    // MARK: Scalars

    func decodeBool() throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("Bool") }
        return b
    }

    func decodeString() throws -> String {
        guard case .string(let s) = value else { throw mismatch("String") }
        return s
    }

    func decodeDouble() throws -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw mismatch("Double")
        }
    }

    func decodeFloat() throws -> Float { Float(try decodeDouble()) }

    func decodeInteger<T: FixedWidthInteger>(_: T.Type) throws -> T {
        // The type's name only for errors: String(describing:) of a type asks
        // the runtime to demangle it, which was 5 % of a foreach's CPU.
        func name() -> String { String(describing: T.self) }
        switch value {
        case .int(let i):
            guard let v = T(exactly: i) else {
                throw ValueDecodingError(path: pathText, reason: .outOfRange(expected: name(), value: String(i)))
            }
            return v
        case .double(let d):
            guard d.rounded() == d, let v = T(exactly: d) else {
                throw ValueDecodingError(path: pathText, reason: .typeMismatch(expected: name(), found: "Double \(d)"))
            }
            return v
        default:
            throw mismatch(name())
        }
    }

    // MARK: Any decodable, with the fast paths

    func decodeAny<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Value.self { return value as! T }
        if T.self == Double.self { return try decodeDouble() as! T }
        if T.self == String.self { return try decodeString() as! T }
        if T.self == Int.self { return try decodeInteger(Int.self) as! T }
        if T.self == Bool.self { return try decodeBool() as! T }
        if let fast = try decodeFast(type) { return fast }
        do {
            return try T(from: self)
        } catch let e as ValueDecodingError {
            throw e
        } catch let e as DecodingError {
            throw translate(e)
        }
    }

    /// Foundation's own errors from types' `init(from:)` (`dataCorrupted`), as ours.
    func translate(_ e: DecodingError) -> ValueDecodingError {
        switch e {
        case .dataCorrupted(let c), .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c):
            return ValueDecodingError(path: renderCodingPath(root: root, c.codingPath), reason: .invalid(c.debugDescription))
        @unknown default:
            return ValueDecodingError(path: pathText, reason: .invalid("\(e)"))
        }
    }

    /// The direct form of the types that bypass `Decodable`, or `nil` to decode generically.
    func decodeFast<T: Decodable>(_ type: T.Type) throws -> T? {
        if T.self == NumericArray.self {
            guard case .numeric(let n) = value else { throw mismatch("numeric array") }
            return (n as! T)
        }
        if T.self == Data.self {
            switch value {
            case .bytes(let d): return (d as! T)
            case .numeric(let n):
                if case .uint8(let a) = n.storage { return (Data(a) as! T) }
                throw mismatch("Bytes")
            default: throw mismatch("Bytes")
            }
        }
        if T.self == Date.self {
            guard let s = value.doubleValue else { throw mismatch("Date (seconds since 1970)") }
            return (Date(timeIntervalSince1970: s) as! T)
        }
        if T.self == URL.self {
            guard case .string(let s) = value else { throw mismatch("URL") }
            guard let url = URL(string: s) else {
                throw ValueDecodingError(path: pathText, reason: .invalid("'\(s)' is not a valid URL"))
            }
            return (url as! T)
        }
        guard case .numeric(let n) = value else { return nil }
        // From a numeric array, one pass per target type.
        if T.self == [Double].self {
            guard n.elementType != .bool else { throw mismatch("[Double]") }
            return (n.doubles() as! T)
        }
        if T.self == [Float].self {
            if case .float32(let a) = n.storage { return (a as! T) }
            return (n.doubles().map { Float($0) } as! T)
        }
        if T.self == [Bool].self {
            if case .bool(let a) = n.storage { return (a as! T) }
            throw mismatch("[Bool]")
        }
        if T.self == [Int].self { return (try integers(n, Int.self) as! T) }
        if T.self == [Int64].self { return (try integers(n, Int64.self) as! T) }
        if T.self == [Int32].self { return (try integers(n, Int32.self) as! T) }
        if T.self == [UInt8].self { return (try integers(n, UInt8.self) as! T) }
        return nil
    }

    func integers<I: FixedWidthInteger>(_ n: NumericArray, _: I.Type) throws -> [I] {
        func convert<S: BinaryInteger>(_ a: [S]) throws -> [I] {
            if let same = a as? [I] { return same }
            var out = [I]()
            out.reserveCapacity(a.count)
            for (i, x) in a.enumerated() {
                guard let v = I(exactly: x) else {
                    throw ValueDecodingError(path: renderCodingPath(root: root, codingPath + [IndexKey(i)]),
                                             reason: .outOfRange(expected: String(describing: I.self), value: "\(x)"))
                }
                out.append(v)
            }
            return out
        }
        switch n.storage {
        case .int64(let a): return try convert(a)
        case .int32(let a): return try convert(a)
        case .uint8(let a): return try convert(a)
        default: throw mismatch("[\(I.self)]")
        }
    }
}

struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: OrderedDictionary<String, Value>
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func child(_ key: Key) throws -> TreeDecoder {
        guard let v = object[key.stringValue] else {
            throw ValueDecodingError(path: decoder.pathText,
                                     reason: .missingKey(key.stringValue, available: Array(object.keys)))
        }
        return decoder.child(v, key)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let v = object[key.stringValue] else { return true }
        return v == .null
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decodeFloat() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeAny(T.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder {
        decoder.child(object[SuperKey().stringValue] ?? .null, SuperKey())
    }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(object[key.stringValue] ?? .null, key)
    }
}

struct UnkeyedDecoding: UnkeyedDecodingContainer {
    enum Elements {
        case values([Value])
        case numeric(NumericArray)
    }
    let elements: Elements
    let decoder: TreeDecoder
    var currentIndex = 0

    init(elements: Elements, decoder: TreeDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? {
        switch elements {
        case .values(let a): a.count
        case .numeric(let n): n.indices.count
        }
    }
    var isAtEnd: Bool { currentIndex >= count! }

    /// The next element's decoder; `expected` names it in the error at the
    /// end of the array, and is only worked out then.
    mutating func next(_ expected: @autoclosure () -> String) throws -> TreeDecoder {
        guard !isAtEnd else {
            throw ValueDecodingError(path: decoder.pathText, reason: .endOfArray(expected: expected(), count: count!))
        }
        let v: Value
        switch elements {
        case .values(let a): v = a[currentIndex]
        case .numeric(let n): v = n.element(at: currentIndex)
        }
        defer { currentIndex += 1 }
        return decoder.child(v, IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .values(let a) = elements, a[currentIndex] == .null {
            currentIndex += 1
            return true
        }
        return false
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next("Bool").decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next("String").decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next("Double").decodeDouble() }
    mutating func decode(_ type: Float.Type) throws -> Float { try next("Float").decodeFloat() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next("Int").decodeInteger(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next("Int8").decodeInteger(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next("Int16").decodeInteger(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next("Int32").decodeInteger(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next("Int64").decodeInteger(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next("UInt").decodeInteger(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next("UInt8").decodeInteger(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next("UInt16").decodeInteger(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next("UInt32").decodeInteger(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next("UInt64").decodeInteger(UInt64.self) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(String(describing: T.self)).decodeAny(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next("Object").container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next("Array").unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder { try next("value") }
}

struct SingleDecoding: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloat() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeAny(T.self) }
}
