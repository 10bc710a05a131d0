/// Why a ``Value`` could not be decoded into a Swift type, naming the place.
///
/// The description reads as a person would say it:
/// `ratings.users[3].id: expected Int, found String`.
public struct ValueDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The value at the place has another type.
        case typeMismatch(expected: String, found: String)
        /// An object lacks a key; `available` lists the keys it has.
        case missingKey(String, available: [String])
        /// A number does not fit the expected type.
        case outOfRange(expected: String, value: String)
        /// An array ran out of elements.
        case endOfArray(expected: String, count: Int)
        /// The type's own decoding rejected the value.
        case invalid(String)
    }

    /// Where it went wrong: `ratings.users[3].id`, empty at the root.
    public let path: String
    /// What went wrong.
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let place = path.isEmpty ? "" : "\(path): "
        switch reason {
        case .typeMismatch(let expected, let found):
            return "\(place)expected \(expected), found \(found)"
        case .missingKey(let key, let available):
            let list = available.isEmpty ? "it has no keys" : "it has \(available.joined(separator: ", "))"
            return "\(place)missing key '\(key)' (\(list))"
        case .outOfRange(let expected, let value):
            return "\(place)expected \(expected), found \(value), which is out of range"
        case .endOfArray(let expected, let count):
            return "\(place)expected \(expected), but the array has only \(count) elements"
        case .invalid(let why):
            return "\(place)\(why)"
        }
    }
}
