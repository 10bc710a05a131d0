import Foundation
import Synchronization

/// A GET request, as the run browser reads it.
public struct HTTPRequest: Sendable {
    /// `GET` or `HEAD`.
    public var method: String
    /// The path, percent-decoded, without the query (`/runs/RatingsFlow/3`).
    public var path: String
    /// The query's parameters, percent-decoded (`?q=failed` → `["q": "failed"]`).
    public var query: [String: String]

    public init(method: String = "GET", path: String, query: [String: String] = [:]) {
        (self.method, self.path, self.query) = (method, path, query)
    }
}

/// An answer: a status, a content type and a body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String = "text/html; charset=utf-8", body: [UInt8]) {
        (self.status, self.contentType, self.body) = (status, contentType, body)
    }

    public init(status: Int = 200, html: String) { self.init(status: status, body: Array(html.utf8)) }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}

/// Why the server cannot start.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let description: String
}

/// A small HTTP/1.1 server for the run browser: GET and HEAD only, one
/// request per connection, each connection on a thread of its own, reads
/// bounded (16 KiB of head, 10 s), writes that never raise SIGPIPE (a
/// client that goes away mid-answer ends only its own connection).
public final class HTTPServer: Sendable {
    /// The most bytes of a request's head read.
    public static let maxHead = 16 * 1024

    private let socket: Int32
    /// The port it listens on (the one the system chose when asked for 0).
    public let port: Int
    /// The address it listens on.
    public let host: String
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let stopped = Atomic<Bool>(false)

    /// Listens on `host:port` (port 0: any free one).
    public init(host: String, port: Int, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(description: "cannot make a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError(description: "'\(host)' is not an IPv4 address (127.0.0.1 is this machine only; 0.0.0.0 every interface)")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw HTTPServerError(description: "cannot listen on \(host):\(port): \(why)" + (port != 0 ? " (another program may be using the port; --port 0 picks a free one)" : ""))
        }
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw HTTPServerError(description: "cannot listen on \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.socket = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.host = host
        self.handler = handler
    }

    /// Where a browser finds it.
    public var url: String { "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/" }

    /// Accepts connections until ``stop()``; blocks the calling thread.
    public func serve() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(socket, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                if stopped.load(ordering: .relaxed) { return }
                usleep(10_000)
                continue
            }
            Thread.detachNewThread { [self] in self.handle(client) }
        }
    }

    /// Stops accepting; connections being answered finish.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func handle(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !HTTPServer.endsHead(head) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            head += buffer[0..<n]
            if head.count > HTTPServer.maxHead {
                write(fd, HTTPResponse(status: 413, html: "request head too large"), head: false)
                return
            }
        }
        guard let request = HTTPServer.parse(head) else {
            write(fd, HTTPResponse(status: 400, html: "not an HTTP request"), head: false)
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            write(fd, HTTPResponse(status: 405, html: "the run browser only reads: GET"), head: false)
            return
        }
        write(fd, handler(request), head: request.method == "HEAD")
    }

    static func endsHead(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let tail = bytes.suffix(4)
        return Array(tail) == [13, 10, 13, 10] || bytes.contains(0) || (bytes.count >= 2 && Array(bytes.suffix(2)) == [10, 10])
    }

    /// The request line's method, path and query.
    static func parse(_ head: [UInt8]) -> HTTPRequest? {
        guard let text = String(validating: head, as: UTF8.self),
              let line = text.split(separator: "\r\n", maxSplits: 1).first ?? text.split(separator: "\n", maxSplits: 1).first else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/"), parts[1].hasPrefix("/") else { return nil }
        let target = parts[1]
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = String(pathPart[0]).removingPercentEncoding else { return nil }
        var query: [String: String] = [:]
        if pathPart.count == 2 {
            for pair in pathPart[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
                query[key] = value
            }
        }
        return HTTPRequest(method: String(parts[0]), path: path, query: query)
    }

    /// Writes the answer; a client gone mid-way ends the write quietly.
    private func write(_ fd: Int32, _ r: HTTPResponse, head: Bool) {
        let headers = """
        HTTP/1.1 \(r.status) \(HTTPResponse.reason(r.status))\r
        Content-Type: \(r.contentType)\r
        Content-Length: \(r.body.count)\r
        Cache-Control: no-store\r
        X-Content-Type-Options: nosniff\r
        Referrer-Policy: no-referrer\r
        Content-Security-Policy: default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'\r
        Connection: close\r
        \r

        """
        guard send(fd, Array(headers.utf8)) else { return }
        if !head { _ = send(fd, r.body) }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, min(64 * 1024, bytes.count - offset), Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
