import SpindleStore

/// HMAC-SHA-256 (RFC 2104) over the store's SHA-256: what AWS Signature
/// Version 4 derives its signing key and signature with.
///
/// ```swift
/// let mac = HMACSHA256.mac(key: Array("key".utf8), message: Array("message".utf8))
/// ```
public enum HMACSHA256 {
    static let blockSize = 64

    /// The 32-byte MAC of `message` under `key`.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > blockSize ? digest(key) : key
        k += [UInt8](repeating: 0, count: blockSize - k.count)
        let inner = digest(k.map { $0 ^ 0x36 } + message)
        return digest(k.map { $0 ^ 0x5C } + inner)
    }

    /// The 32-byte SHA-256 of `bytes`.
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = SHA256.Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { hasher.finish(into: $0.baseAddress!) }
        return out
    }

    /// Lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
