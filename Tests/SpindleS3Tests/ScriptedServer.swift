import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on loopback that answers each request with the next of a
/// list of canned responses (the last repeats), closing each connection:
/// for what a real S3 server will not do on demand — a 503, a 429, a body
/// cut short. It checks no signature.
final class ScriptedServer: @unchecked Sendable {
    struct Response {
        var status: Int
        var body: [UInt8] = []
        /// Send only this many bytes of the body (then close), though the
        /// Content-Length promises all of them.
        var cutAfter: Int?

        static func xmlError(_ status: Int, _ code: String) -> Response {
            Response(status: status, body: Array("<?xml version=\"1.0\"?><Error><Code>\(code)</Code><Message>scripted</Message></Error>".utf8))
        }
    }

    let port: Int
    private let listener: Int32
    private let script: [Response]
    private let keepAlive: Bool
    private let served = Atomic<Int>(0)
    private let accepted = Atomic<Int>(0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Requests answered so far.
    var requests: Int { served.load(ordering: .relaxed) }
    /// Connections accepted so far.
    var connections: Int { accepted.load(ordering: .relaxed) }

    /// `keepAlive`: answer any number of requests on a connection (HTTP/1.1's
    /// default) instead of closing it after one.
    init(_ script: [Response], keepAlive: Bool = false) throws {
        self.script = script
        self.keepAlive = keepAlive
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread { [self] in serve() }.start()
    }

    /// Stops listening and waits for the serving thread.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        stopped.wait()
    }

    private func serve() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { break }
            accepted.add(1, ordering: .relaxed)
            var pending = [UInt8]()
            while answer(fd, &pending) && keepAlive {}
            close(fd)
        }
        stopped.signal()
    }

    /// Reads one request from `fd` (after what `pending` holds of it) and
    /// answers it; false when the connection ended first.
    private func answer(_ fd: Int32, _ data: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        func more() -> Bool {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return false }
            data.append(contentsOf: buffer[..<n])
            return true
        }
        var headEnd = Self.find([13, 10, 13, 10], in: data)
        while headEnd == nil {
            guard more() else { return false }
            headEnd = Self.find([13, 10, 13, 10], in: data)
        }
        let head = String(decoding: data[..<headEnd!], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        while data.count < headEnd! + 4 + length { guard more() else { return false } }
        data.removeFirst(headEnd! + 4 + length)

        let index = served.wrappingAdd(1, ordering: .relaxed).oldValue
        let response = script[Swift.min(index, script.count - 1)]
        let isHead = head.hasPrefix("head ")
        let connection = keepAlive ? "" : "Connection: close\r\n"
        var out = Array("HTTP/1.1 \(response.status) Scripted\r\nContent-Length: \(response.body.count)\r\nETag: \"scripted\"\r\n\(connection)\r\n".utf8)
        if !isHead { out += response.body.prefix(response.cutAfter ?? response.body.count) }
        _ = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return response.cutAfter == nil
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<i + needle.count].elementsEqual(needle) { return i }
        return nil
    }
}
