#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large buffer that is about to be filled with
/// 2 MiB pages instead of 4 KiB ones.
///
/// Filling a new 100 MB array page by page takes 25 000 page faults, a
/// quarter of a load's time here; with huge pages it takes about fifty. Most
/// kernels give huge pages only to memory that asks for them
/// (`transparent_hugepage/enabled` = `madvise`), as numpy's allocator does for
/// its large arrays. Where the kernel says no, nothing changes.
package enum HugePages {
    /// The huge page size on x86-64 and most arm64 kernels.
    static let size = 2 << 20

    /// Advises huge pages for the 2 MiB-aligned interior of `buffer`, when it
    /// spans a few of them; a hint, so failure is ignored.
    package static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard buffer.count >= 4 * size, let base = buffer.baseAddress else { return }
        let mask = UInt(size - 1)
        let start = (UInt(bitPattern: base) + mask) & ~mask
        let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~mask
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(first, Int(end - start), MADV_HUGEPAGE)
        #endif
    }
}
