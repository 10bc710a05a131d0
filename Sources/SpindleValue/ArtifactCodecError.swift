/// Why bytes could not be decoded as an artifact. Every malformed input ends in
/// one of these; none crashes the decoder or makes it allocate more than the
/// input can hold.
public enum ArtifactCodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not start with the artifact magic `SPNV`.
    case notAnArtifact
    /// Written by a newer Spindle, in a format version this one does not read.
    case unsupportedVersion(found: UInt8, supported: UInt8)
    /// The input ends inside a value.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A value tag this version does not know.
    case unknownTag(UInt8, offset: Int)
    /// A numeric element type this version does not know.
    case unknownElementType(UInt8, offset: Int)
    /// A length or count larger than the rest of the input could hold.
    case lengthExceedsInput(length: Int, available: Int, offset: Int)
    /// A variable-length integer longer than 10 bytes or beyond `Int.max`.
    case malformedLength(offset: Int)
    /// A string that is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// A boolean element that is neither 0 nor 1.
    case invalidBool(offset: Int)
    /// An object with the same key twice.
    case duplicateKey(String, offset: Int)
    /// Arrays or objects nested deeper than the decoder allows.
    case nestingTooDeep(limit: Int, offset: Int)
    /// Bytes left over after the value.
    case trailingBytes(count: Int, offset: Int)

    public var description: String {
        switch self {
        case .notAnArtifact:
            "not a Spindle artifact (the magic bytes 'SPNV' are missing)"
        case .unsupportedVersion(let found, let supported):
            "artifact format version \(found) is newer than this Spindle reads (up to \(supported)); upgrade Spindle"
        case .truncated(let offset, let needed, let available):
            "truncated artifact: \(needed) bytes needed at offset \(offset), \(available) left"
        case .unknownTag(let tag, let offset):
            "corrupt artifact: unknown value tag \(tag) at offset \(offset)"
        case .unknownElementType(let t, let offset):
            "corrupt artifact: unknown numeric element type \(t) at offset \(offset)"
        case .lengthExceedsInput(let length, let available, let offset):
            "corrupt artifact: length \(length) at offset \(offset) exceeds the \(available) bytes left"
        case .malformedLength(let offset):
            "corrupt artifact: malformed length at offset \(offset)"
        case .invalidUTF8(let offset):
            "corrupt artifact: invalid UTF-8 in the string at offset \(offset)"
        case .invalidBool(let offset):
            "corrupt artifact: a boolean element that is neither 0 nor 1 at offset \(offset)"
        case .duplicateKey(let key, let offset):
            "corrupt artifact: duplicate key '\(key)' at offset \(offset)"
        case .nestingTooDeep(let limit, let offset):
            "artifact nests deeper than \(limit) levels at offset \(offset)"
        case .trailingBytes(let count, let offset):
            "corrupt artifact: \(count) unexpected bytes after the value at offset \(offset)"
        }
    }
}
