import CCurlLoader
import Foundation
import Synchronization

/// libcurl, loaded on first use (``CCurlLoader``): a process that links the
/// S3 client but never talks to S3 never loads it.
enum Curl {
    /// Loads libcurl once per process, or says why it cannot.
    static func load() throws(S3Error) {
        var error = [CChar](repeating: 0, count: 512)
        if spindle_curl_load(&error, error.count) != 0 {
            throw .libcurlMissing(reason: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Whether `library` can be loaded and has every function the client calls;
    /// leaves the process's own libcurl alone.
    static func probe(_ library: String) throws(S3Error) {
        var error = [CChar](repeating: 0, count: 512)
        if spindle_curl_probe(library, &error, error.count) != 0 {
            throw .libcurlMissing(reason: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// The library loaded, once ``load()`` has succeeded.
    static var libraryName: String? { spindle_curl_library().map { String(cString: $0) } }
}

/// Where the body of a successful response goes, as it arrives.
protocol ResponseBody: AnyObject {
    /// Called at the start of each attempt's body (also an empty one), with
    /// its Content-Length when the server gave one. A retry starts over.
    func begin(length: Int?) throws
    /// The next bytes of the body.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// One HTTP response: its status and headers (names lowercased). The body
/// of a success went to the caller's ``ResponseBody``; that of a failure
/// (S3's XML error, up to 64 KiB) is kept here.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var errorBody: [UInt8]
}

/// Why an exchange produced no response.
enum TransportFailure: Error {
    /// libcurl's failure: no connection, a broken one, a timeout.
    case curl(code: Int32, message: String)
    /// The response body's receiver threw.
    case body(any Error)
    /// libcurl cannot be loaded.
    case library(S3Error)

    /// Whether trying again may help.
    var isTransient: Bool {
        guard case .curl(let code, _) = self else { return false }
        let transient: Set<Int32> = [
            Int32(SPINDLE_CURLE_COULDNT_RESOLVE_HOST), Int32(SPINDLE_CURLE_COULDNT_CONNECT), Int32(SPINDLE_CURLE_PARTIAL_FILE),
            Int32(SPINDLE_CURLE_OPERATION_TIMEDOUT), Int32(SPINDLE_CURLE_GOT_NOTHING), Int32(SPINDLE_CURLE_SEND_ERROR),
            Int32(SPINDLE_CURLE_RECV_ERROR),
            16, // CURLE_HTTP2
            35, // CURLE_SSL_CONNECT_ERROR
            92, // CURLE_HTTP2_STREAM
        ]
        return transient.contains(code)
    }
}

/// HTTP/1.1 over libcurl's easy interface, synchronous, as a task process is.
///
/// Easy handles are kept in a small pool and reused, so a connection to the
/// server stays open between requests (libcurl keeps each handle's
/// connections alive across `curl_easy_reset`). Request bodies are sent
/// straight from the caller's memory; response bodies go to a
/// ``ResponseBody`` piece by piece, so a large GET lands where it belongs.
final class CurlTransport: Sendable {
    /// An easy handle and its error buffer.
    private final class Handle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(SPINDLE_CURL_ERROR_SIZE))

        init?() {
            guard let raw = spindle_curl_easy_init() else { return nil }
            self.raw = raw
        }

        deinit {
            spindle_curl_easy_cleanup(raw)
            errorBuffer.deallocate()
        }
    }

    /// Idle handles; at most ``poolLimit`` are kept.
    private let idle = Mutex<[Handle]>([])
    static let poolLimit = 8
    /// `host:port` to connect to whatever host a URL names (CURLOPT_CONNECT_TO), or nil.
    let connectTo: String?
    let connectTimeoutMilliseconds: Int
    /// Exchanges performed (each attempt counts): what tests and `spindle cache` read.
    let exchanges = Atomic<Int>(0)

    /// Loads nothing yet: libcurl is opened by the first exchange, so a
    /// process that makes a client and never uses it never loads it.
    init(connectTo: String?, connectTimeout: Double) {
        self.connectTo = connectTo
        connectTimeoutMilliseconds = Int(connectTimeout * 1000)
    }

    /// The state of one exchange, reached from libcurl's callbacks.
    private final class Exchange {
        var status = 0
        var headers: [String: String] = [:]
        var bodyStarted = false
        let body: ResponseBody?
        var errorBody: [UInt8] = []
        var failure: (any Error)?

        init(body: ResponseBody?) { self.body = body }

        func header(_ line: UnsafeRawBufferPointer) {
            // Bytes, not Characters: "\r\n" is one Character.
            var end = line.count
            while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<end]), as: UTF8.self)
            if text.hasPrefix("HTTP/") {
                // A new response (after a 100 Continue, say): start over.
                let fields = text.split(separator: " ", maxSplits: 2)
                status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
                headers = [:]
            } else if let colon = text.firstIndex(of: ":") {
                let name = text[..<colon].lowercased()
                headers[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }

        /// Starts the body: the receiver's for a success, the error buffer otherwise.
        func startBody() throws {
            bodyStarted = true
            if (200..<300).contains(status), let body {
                try body.begin(length: headers["content-length"].flatMap { Int($0) })
            }
        }

        func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
            do {
                if !bodyStarted { try startBody() }
                if (200..<300).contains(status) {
                    try body?.write(bytes)
                } else if errorBody.count < 64 << 10 {
                    errorBody.append(contentsOf: bytes.prefix((64 << 10) - errorBody.count))
                }
                return true
            } catch {
                failure = error
                return false
            }
        }
    }

    /// Performs one exchange: `method` on `url` with `headers` ("Name: value")
    /// and the bytes of `body` one after another; a successful response's body
    /// goes to `sink`. HEAD asks for no body.
    func perform(method: String, url: String, headers: [String], body: [UnsafeRawBufferPointer],
                 sink: ResponseBody?) throws(TransportFailure) -> HTTPResponse {
        do { try Curl.load() } catch { throw .library(error) }
        guard let handle = take() else { throw .curl(code: 2, message: "curl_easy_init failed") }
        defer { give(handle) }
        exchanges.add(1, ordering: .relaxed)
        let h = handle.raw
        spindle_curl_easy_reset(h)
        handle.errorBuffer[0] = 0
        var list: UnsafeMutableRawPointer?
        for line in headers + ["Expect:"] { list = spindle_curl_slist_append(list, line) }
        defer { spindle_curl_slist_free_all(list) }
        var connect: UnsafeMutableRawPointer?
        if let connectTo { connect = spindle_curl_slist_append(nil, "::\(connectTo)") }
        defer { spindle_curl_slist_free_all(connect) }

        let exchange = Exchange(body: sink)
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        var parts = body.map { spindle_curl_part(base: $0.baseAddress, length: $0.count) }
        let code: Int32 = parts.withUnsafeMutableBufferPointer { partsBuffer in
            var upload = spindle_curl_body(parts: partsBuffer.baseAddress, count: partsBuffer.count, part: 0, offset: 0)
            return withUnsafeMutablePointer(to: &upload) { uploadPointer in
                var rc: Int32 = 0
                func set(_ result: Int32) { if rc == 0 { rc = result } }
                set(spindle_curl_setopt_string(h, SPINDLE_CURLOPT_URL, url))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_NOSIGNAL, 1))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_HTTP_VERSION, Int(SPINDLE_CURL_HTTP_VERSION_1_1)))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds))
                // A transfer that moves nothing for 30 s is dead: fail it, so it is retried.
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_LOW_SPEED_LIMIT, 1))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_LOW_SPEED_TIME, 30))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_TCP_KEEPALIVE, 1))
                // Larger pieces than libcurl's 16 KiB / 64 KiB: fewer callbacks on a 100 MB body.
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_BUFFERSIZE, 512 << 10))
                set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_UPLOAD_BUFFERSIZE, 1 << 20))
                set(spindle_curl_setopt_pointer(h, SPINDLE_CURLOPT_ERRORBUFFER, handle.errorBuffer))
                set(spindle_curl_setopt_pointer(h, SPINDLE_CURLOPT_HTTPHEADER, list))
                if let connect { set(spindle_curl_setopt_pointer(h, SPINDLE_CURLOPT_CONNECT_TO, connect)) }
                set(spindle_curl_setopt_function(h, SPINDLE_CURLOPT_HEADERFUNCTION, CurlTransport.onHeader))
                set(spindle_curl_setopt_pointer(h, SPINDLE_CURLOPT_HEADERDATA, context))
                set(spindle_curl_setopt_function(h, SPINDLE_CURLOPT_WRITEFUNCTION, CurlTransport.onBody))
                set(spindle_curl_setopt_pointer(h, SPINDLE_CURLOPT_WRITEDATA, context))
                switch method {
                case "GET": break
                case "HEAD": set(spindle_curl_setopt_long(h, SPINDLE_CURLOPT_NOBODY, 1))
                case "PUT": set(spindle_curl_set_body(h, uploadPointer))
                case "POST":
                    set(spindle_curl_set_body(h, uploadPointer))
                    set(spindle_curl_setopt_string(h, SPINDLE_CURLOPT_CUSTOMREQUEST, "POST"))
                default: set(spindle_curl_setopt_string(h, SPINDLE_CURLOPT_CUSTOMREQUEST, method))
                }
                guard rc == 0 else { return rc }
                return withExtendedLifetime(exchange) { spindle_curl_easy_perform(h) }
            }
        }
        if let failure = exchange.failure { throw .body(failure) }
        guard code == 0 else {
            let detail = String(cString: handle.errorBuffer)
            throw .curl(code: code, message: detail.isEmpty ? String(cString: spindle_curl_easy_strerror(code)) : detail)
        }
        exchange.status = Int(spindle_curl_response_code(h))
        if !exchange.bodyStarted && method != "HEAD" {
            // An empty body: its receiver still hears of it.
            do { try exchange.startBody() } catch { throw .body(error) }
        }
        return HTTPResponse(status: exchange.status, headers: exchange.headers, errorBody: exchange.errorBody)
    }

    private static let onHeader: spindle_curl_data_fn = { data, size, count, context in
        let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
        exchange.header(UnsafeRawBufferPointer(start: data, count: size * count))
        return size * count
    }

    private static let onBody: spindle_curl_data_fn = { data, size, count, context in
        let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
        return exchange.receive(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private func take() -> Handle? {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return Handle()
    }

    private func give(_ handle: Handle) {
        idle.withLock { if $0.count < Self.poolLimit { $0.append(handle) } }
    }
}
