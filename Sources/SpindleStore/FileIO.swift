import Foundation

/// Thin, exact wrappers over `read(2)`, `write(2)`, `pread` and `pwrite` that
/// finish what they start: a signal (`EINTR`) or a short count continues, a
/// non-blocking descriptor that is not ready (`EAGAIN`) waits with `poll`.
/// The one way Spindle moves bytes through a descriptor, and names an errno.
///
/// ```swift
/// let failed = bytes.withUnsafeBytes { FileIO.writeAll(STDOUT_FILENO, $0) }
/// if failed != 0 { print("cannot write: \(FileIO.describe(failed))") }
/// ```
public enum FileIO {
    /// An errno in words: `No such file or directory`.
    public static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// This thread's last errno in words.
    public static var lastError: String { describe(errno) }

    /// Writes all of `bytes` to `fd` (at `offset` with `pwrite` when given);
    /// returns 0, or the errno of the write that failed.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int? = nil) -> Int32 {
        var done = 0
        while done < bytes.count {
            let base = bytes.baseAddress! + done, left = bytes.count - done
            let n = offset.map { pwrite(fd, base, left, off_t($0 + done)) } ?? write(fd, base, left)
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { wait(fd, for: POLLOUT); continue }
            return n == 0 ? EIO : errno
        }
        return 0
    }

    /// Writes all of `text`'s UTF-8 to `fd`; returns 0, or the errno of the write that failed.
    public static func writeAll(_ fd: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Reads into `buffer` until it is full or the file ends (from `offset`
    /// with `pread` when given); the bytes read, or the errno of a failed read.
    /// Writes `bytes` as the whole of the file at `path` (created, or
    /// truncated), without syncing it to disk: for files handed to another
    /// process at once, where Foundation's `Data.write`, which fsyncs, cost
    /// a shell spin ~0.6 ms a file. Throws ``StoreError/io(_:)`` naming `what`.
    public static func writeFile(_ path: String, _ bytes: [UInt8], what: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot write \(what) \(path): \(lastError)") }
        defer { close(fd) }
        let failed = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if failed != 0 { throw StoreError.io("cannot write \(what) \(path): \(describe(failed))") }
    }

    public static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int? = nil) -> Result<Int, Errno> {
        var done = 0
        while done < buffer.count {
            let base = buffer.baseAddress! + done, left = buffer.count - done
            let n = offset.map { pread(fd, base, left, off_t($0 + done)) } ?? read(fd, base, left)
            if n > 0 { done += n; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { wait(fd, for: POLLIN); continue }
            return .failure(Errno(code: errno))
        }
        return .success(done)
    }

    /// One read of what is there (waiting when nothing is yet): the count, 0
    /// at the end of input, or the errno of a failed read.
    public static func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { wait(fd, for: POLLIN); continue }
            return .failure(Errno(code: errno))
        }
    }

    /// An errno as an `Error`, described in words.
    public struct Errno: Error, Equatable, CustomStringConvertible {
        public let code: Int32
        public init(code: Int32) { self.code = code }
        public var description: String { FileIO.describe(code) }
    }

    private static func wait(_ fd: Int32, for events: Int32) {
        var p = pollfd(fd: fd, events: Int16(events), revents: 0)
        _ = poll(&p, 1, -1)
    }
}
