import CCrypto

/// SHA-256 through OpenSSL's libcrypto (hardware-accelerated where the CPU has it).
public enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return hexString(digest)
    }

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { hex($0) } }

    static func hexString(_ digest: [UInt8]) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for b in digest { out.append(table[Int(b >> 4)]); out.append(table[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` looks like a digest this store names blobs by.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

extension SHA256 {
    /// A digest computed over bytes that arrive in pieces, so that a large
    /// blob is hashed as it is read or written rather than held whole.
    public final class Hasher {
        private let context: OpaquePointer

        public init() {
            guard let c = EVP_MD_CTX_new(), EVP_DigestInit_ex(c, EVP_sha256(), nil) == 1 else {
                preconditionFailure("EVP_DigestInit_ex(SHA-256) failed")
            }
            context = c
        }

        deinit { EVP_MD_CTX_free(context) }

        /// Adds `bytes` to the digest.
        public func update(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count > 0 else { return }
            precondition(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1, "EVP_DigestUpdate failed")
        }

        /// The digest of everything added, as 64 lowercase hex digits.
        public func finish() -> String {
            var digest = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 0
            let ok = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
            precondition(ok == 1 && length == 32, "EVP_DigestFinal_ex(SHA-256) failed")
            return SHA256.hexString(digest)
        }
    }
}
