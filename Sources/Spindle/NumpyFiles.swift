import Foundation
import SpindleValue

/// NumPy's `.npy` (one array) and `.npz` (a zip of `.npy` files, stored
/// uncompressed) written from numeric artifacts, so any tool that reads numpy
/// files reads Spindle's arrays. Little-endian, C order, format version 1.0.
enum NumpyFiles {
    /// numpy's `descr` for an element type.
    static func descr(_ t: NumericArray.ElementType) -> String {
        switch t {
        case .float64: "<f8"
        case .float32: "<f4"
        case .int64: "<i8"
        case .int32: "<i4"
        case .uint8: "|u1"
        case .bool: "|b1"
        }
    }

    /// The `.npy` bytes of `array`.
    static func npy(_ array: NumericArray) -> [UInt8] {
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr(array.elementType))', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6), version (2), header length (2), header: a multiple of 64 in all, ending in a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        array.storage.withUnsafeBytes { out += $0 }  // little-endian on every platform Spindle runs on; Bool is one byte 0 or 1
        return out
    }

    /// An uncompressed zip of `files` (name, bytes): what `numpy.load` reads as an `.npz`.
    static func npz(_ files: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        for (name, bytes) in files {
            guard bytes.count < Int(UInt32.max), out.count < Int(UInt32.max) else {
                throw ExportError("\(name) is 4 GiB or more: write it as its own .npy (--format npy)")
            }
            let crc = CRC32.of(bytes)
            let nameBytes = Array(name.utf8)
            let offset = UInt32(out.count)
            let sizes = le32(UInt32(bytes.count)) + le32(UInt32(bytes.count))
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) + sizes
                + le16(nameBytes.count) + le16(0) + nameBytes + bytes
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) + sizes
                + le16(nameBytes.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let start = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(files.count) + le16(files.count)
            + le32(UInt32(central.count)) + le32(start) + le16(0)
        return out
    }
}

/// The CRC-32 zip files check their entries with (polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func of(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// Why an export cannot be written as asked.
struct ExportError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
