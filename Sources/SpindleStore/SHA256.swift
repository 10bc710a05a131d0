import CSHA256

/// SHA-256 (`CSHA256`: the x86 SHA extensions where the CPU has them, portable C elsewhere).
public enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let hasher = Hasher()
        hasher.update(bytes)
        return hasher.finish()
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
        private let context = UnsafeMutablePointer<spindle_sha256_context>.allocate(capacity: 1)

        public init() {
            spindle_sha256_init(context)
        }

        deinit { context.deallocate() }

        /// Adds `bytes` to the digest.
        public func update(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count > 0 else { return }
            spindle_sha256_update(context, bytes.baseAddress, bytes.count)
        }

        /// The digest of everything added, as 64 lowercase hex digits. Call once.
        public func finish() -> String {
            var digest = [UInt8](repeating: 0, count: 32)
            digest.withUnsafeMutableBytes { finish(into: $0.baseAddress!) }
            return SHA256.hexString(digest)
        }

        /// Writes the 32-byte digest of everything added to `digest`. Call once.
        public func finish(into digest: UnsafeMutableRawPointer) {
            spindle_sha256_final(context, digest.assumingMemoryBound(to: UInt8.self))
        }
    }
}
