/// An image shown on the card: the bytes of a PNG or JPEG file, inlined into
/// the page as a `data:` URI so the page needs nothing beside itself. Any
/// other bytes are shown as an error component saying what was found.
///
/// As JSON the bytes are one base64 string (`{"base64": "...", "caption": ...}`).
public struct CardImage: Sendable, Codable, Equatable {
    public var bytes: [UInt8]
    public var caption: String?

    public init(bytes: [UInt8], caption: String? = nil) {
        self.bytes = bytes
        self.caption = caption
    }

    /// The image formats a card shows, told apart by their first bytes.
    public enum Format: String, Sendable {
        case png, jpeg

        /// The MIME type written into the `data:` URI.
        public var mimeType: String { self == .png ? "image/png" : "image/jpeg" }
    }

    /// PNG when the bytes start with PNG's 8-byte signature, JPEG when they
    /// start with `FF D8 FF`, else nil. The file name or a caller's claim is
    /// never trusted: a browser would sniff too, and could be told to run
    /// an SVG's script.
    public var format: Format? {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= png.count, Array(bytes[0..<png.count]) == png { return .png }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case base64, caption }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .base64)
        guard let bytes = Base64.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: .base64, in: c, debugDescription: "not base64")
        }
        self.bytes = bytes
        caption = try c.decodeIfPresent(String.self, forKey: .caption)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Base64.encode(bytes), forKey: .base64)
        try c.encodeIfPresent(caption, forKey: .caption)
    }
}
