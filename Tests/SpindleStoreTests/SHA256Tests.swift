import CSHA256
import Testing
@testable import SpindleStore

/// SHA-256 itself: the FIPS 180-4 examples, and the accelerated and portable
/// compression functions agreeing on inputs of every length and split.
@Suite("SHA-256", .serialized)
struct SHA256Tests {
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    /// Runs `body` with the portable compression function forced, then restores the default.
    static func portable<T>(_ body: () -> T) -> T {
        spindle_sha256_force_portable(1)
        defer { spindle_sha256_force_portable(0) }
        return body()
    }

    @Test("the FIPS 180-4 examples, on both paths", arguments: [false, true])
    func vectors(portable: Bool) {
        for (text, digest) in Self.vectors {
            let bytes = Array(text.utf8)
            #expect((portable ? Self.portable { SHA256.hex(bytes) } : SHA256.hex(bytes)) == digest, "\(text)")
        }
        // A million a's, fed in uneven pieces.
        let a = [UInt8](repeating: 0x61, count: 1_000_000)
        let hex = { () -> String in
            let h = SHA256.Hasher()
            a.withUnsafeBytes { all in
                var start = 0, step = 1
                while start < all.count {
                    let end = min(all.count, start + step)
                    h.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    start = end
                    step = step * 3 % 1000 + 1
                }
            }
            return h.finish()
        }
        #expect((portable ? Self.portable(hex) : hex()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("accelerated and portable paths agree on every length up to three blocks and beyond")
    func pathsAgree() {
        var g = SystemRandomNumberGenerator()
        for length in Array(0...200) + [1000, 4095, 4096, 4097, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &g) }
            #expect(SHA256.hex(bytes) == Self.portable { SHA256.hex(bytes) }, "length \(length)")
        }
    }
}
