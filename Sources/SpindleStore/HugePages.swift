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

    /// Maps in the pages of `buffer` as if written, without writing them
    /// (Linux's MADV_POPULATE_WRITE, 5.14 on), so that whoever fills the
    /// buffer meets no page faults. Safe while another thread writes into
    /// it: no byte changes. A thread that fills a buffer from the network
    /// calls it on another thread first, and the faults (slow in virtual
    /// machines, where each page's first touch also faults in the host) are
    /// taken while the bytes are still on their way. A hint: failure (an
    /// older kernel) is ignored.
    package static func populate(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let start = UInt(bitPattern: base) & ~(page - 1)
        let end = UInt(bitPattern: base) + UInt(buffer.count)
        guard let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        let populateWrite: Int32 = 23  // MADV_POPULATE_WRITE
        _ = madvise(first, Int(end - start), populateWrite)
        #endif
    }
}
