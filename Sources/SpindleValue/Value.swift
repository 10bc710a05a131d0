import Foundation
import OrderedCollections

/// A dynamically typed artifact value: what a step stores, the shell shows and
/// changes, and a diff compares.
///
/// `Value` is a closed set of shapes chosen so that every artifact can be stored
/// in the binary codec, printed for a person, compared structurally and edited
/// in the shell without knowing the Swift type that produced it:
///
/// ```swift
/// let v: Value = ["rate": 0.01, "epochs": 20, "tags": ["a", "b"]]
/// v["rate"]           // .double(0.01)
/// v.typeName          // "Object"
/// ```
///
/// Numbers in bulk live in ``NumericArray`` (`.numeric`), a typed contiguous
/// buffer with a shape, so that a 100 MB `[Double]` is one allocation rather
/// than a hundred million boxed values.
///
/// Equality is structural and exact, with one deliberate rule for doubles:
/// two NaNs compare equal (bit patterns aside). An artifact that round-trips
/// through the store must equal itself, and a diff must not report a NaN that
/// stayed a NaN as a change. `-0.0 == 0.0` as in IEEE 754. Values of different
/// cases are never equal: `.int(1) != .double(1)`.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes(Data)
    case array([Value])
    case object(OrderedDictionary<String, Value>)
    case numeric(NumericArray)
}

extension Value {
    /// The kind of a value, without its contents: used in error messages,
    /// listings and diffs.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case null, bool, int, double, string, bytes, array, object, numeric
    }

    /// The kind of this value.
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .array: .array
        case .object: .object
        case .numeric: .numeric
        }
    }

    /// A short type name for people: `Int`, `Double`, `String`, `[Double]`,
    /// `[Float 3×4]`, `Object`, `Array`, `Bytes`, `Bool`, `null`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "Bool"
        case .int: "Int"
        case .double: "Double"
        case .string: "String"
        case .bytes: "Bytes"
        case .array: "Array"
        case .object: "Object"
        case .numeric(let n): n.typeName
        }
    }

    /// The number of elements of a collection (array, object, numeric array,
    /// bytes, string characters); `nil` for scalars.
    public var count: Int? {
        switch self {
        case .array(let a): a.count
        case .object(let o): o.count
        case .numeric(let n): n.count
        case .bytes(let b): b.count
        case .string(let s): s.count
        default: nil
        }
    }

    /// The member `key` of an object, or `nil` when this is not an object or
    /// has no such key.
    public subscript(key: String) -> Value? {
        get {
            guard case .object(let o) = self else { return nil }
            return o[key]
        }
    }

    /// The element at `index` of an array or numeric array (a numeric array
    /// of rank > 1 yields its row as a numeric array), or `nil` when out of range.
    public subscript(index: Int) -> Value? {
        switch self {
        case .array(let a): return a.indices.contains(index) ? a[index] : nil
        case .numeric(let n): return n.indices.contains(index) ? n.element(at: index) : nil
        default: return nil
        }
    }

    /// This value as a `Double` when it is a number (`.int` or `.double`).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The keys of an object, in order; empty for anything else.
    public var keys: [String] {
        guard case .object(let o) = self else { return [] }
        return Array(o.keys)
    }
}

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        case (.numeric(let a), .numeric(let b)): return a == b
        default: return false
        }
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    /// Duplicate keys keep the last value, as an assignment would.
    public init(dictionaryLiteral elements: (String, Value)...) {
        var o = OrderedDictionary<String, Value>()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}
