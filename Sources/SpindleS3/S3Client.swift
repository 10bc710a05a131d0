import Foundation
import SpindleStore
import Synchronization

/// A client for one bucket (and key prefix) of an S3-compatible object store:
/// SigV4-signed GET, PUT, HEAD, DELETE, ListObjectsV2 and multipart uploads
/// over libcurl (loaded on first use), with retries.
///
/// Synchronous, like the task processes that use it; safe to share between
/// threads. Keys are relative to ``Configuration/prefix``.
///
/// Retries: a request that meets no server, a broken connection, a 5xx, 429
/// or `SlowDown` is tried again after an exponentially growing, jittered
/// wait (``RetryPolicy``); a 4xx such as 403 is not, since it would only
/// fail again. Errors are ``S3Error``s that say what to do, and never hold
/// the secret key.
///
/// ```swift
/// var config = S3Client.Configuration(endpoint: "http://127.0.0.1:9000", region: "us-east-1", bucket: "team")
/// config.prefix = "spindle"
/// let client = try S3Client(config, credentials: try AWSConfiguration.credentials())
/// try client.put("notes/a", Array("hello".utf8))
/// ```
public final class S3Client: Sendable {
    /// How a request names the bucket.
    public enum Addressing: Sendable, Equatable {
        /// `http://host:port/bucket/key`: S3-compatible servers, and AWS for dotted bucket names.
        case path
        /// `http://bucket.host/key`: AWS's default.
        case virtualHost
    }

    /// How often and how long to try a request that failed in a way that may pass.
    public struct RetryPolicy: Sendable, Equatable {
        /// Tries in all, the first included.
        public var attempts: Int
        /// The wait before the second try; each later wait doubles, up to `maxDelay`.
        public var firstDelay: Double
        /// The longest wait between two tries.
        public var maxDelay: Double

        /// Five tries; the waits between them add up to 1.5–3 seconds.
        public init(attempts: Int = 5, firstDelay: Double = 0.2, maxDelay: Double = 2) {
            self.attempts = attempts
            self.firstDelay = firstDelay
            self.maxDelay = maxDelay
        }

        /// The wait after failed try number `attempt` (from 1): half the
        /// doubled delay plus a random part of the other half, so clients that
        /// failed together do not all come back together.
        func delay(after attempt: Int) -> Double {
            let full = Swift.min(maxDelay, firstDelay * Double(1 << Swift.min(attempt - 1, 30)))
            return full / 2 + Double.random(in: 0...(full / 2))
        }
    }

    /// Where the bucket is and how to talk to it.
    public struct Configuration: Sendable, Equatable {
        /// `http://host:port` or `https://host`, without the bucket.
        public var endpoint: String
        /// The region signatures are scoped to (`us-east-1` for most S3-compatible servers).
        public var region: String
        /// The bucket's name.
        public var bucket: String
        /// Prepended (with a `/`) to every key; empty for none.
        public var prefix: String
        /// Path-style or virtual-host; see ``Addressing``.
        public var addressing: Addressing
        /// `host:port` to connect to whatever host the URL names (libcurl's
        /// CONNECT_TO): virtual-host addressing without DNS for the bucket's name.
        public var connectTo: String?
        /// The size of each part of a multipart upload (S3's minimum is 5 MiB).
        public var partSize: Int
        /// Objects of this size and larger are uploaded in parts.
        public var multipartThreshold: Int
        /// Parts uploaded at once.
        public var uploadConcurrency: Int
        /// When a failed request is tried again; see ``RetryPolicy``.
        public var retry: RetryPolicy
        /// Seconds to wait for a connection.
        public var connectTimeout: Double
        /// Send and sign `/` in query values (a listing's prefix) as is, not
        /// as `%2F`: for moto, which checks signatures against the query as
        /// it arrives, after its web server has decoded `%2F`. AWS, MinIO and
        /// Ceph want the default (false).
        public var rawSlashesInQuery: Bool

        /// A bucket at `endpoint`, with the defaults: 16 MiB parts from 32
        /// MiB, 4 at a time, 5 tries, 10 s to connect.
        public init(endpoint: String, region: String, bucket: String, prefix: String = "", addressing: Addressing = .path) {
            self.endpoint = endpoint
            self.region = region
            self.bucket = bucket
            self.prefix = prefix
            self.addressing = addressing
            connectTo = nil
            partSize = 16 << 20
            multipartThreshold = 32 << 20
            uploadConcurrency = 4
            retry = RetryPolicy()
            connectTimeout = 10
            rawSlashesInQuery = false
        }
    }

    /// One stored object, as a listing or HEAD describes it.
    public struct ObjectInfo: Sendable, Equatable {
        /// Relative to the client's prefix.
        public var key: String
        /// Its bytes.
        public var size: Int
        /// When it was written (S3 keeps whole seconds).
        public var lastModified: Date?
        /// S3's ETag, quotes included (`"…-3"` for an object uploaded in 3 parts).
        public var etag: String?
    }

    /// The settings, the endpoint without a trailing `/` and the prefix without outer `/`s.
    public let configuration: Configuration
    let signer: SigV4
    let transport: CurlTransport
    /// `http` or `https`.
    let scheme: String
    /// `host[:port]` as the Host header carries it, the bucket included in virtual-host style.
    let authority: String

    /// A client for `configuration`'s bucket, signing with `credentials`.
    /// libcurl is loaded by the first request (which throws
    /// ``S3Error/libcurlMissing(reason:)`` when it cannot), not here.
    public init(_ configuration: Configuration, credentials: SigV4.Credentials) throws(S3Error) {
        let endpoint = configuration.endpoint.hasSuffix("/") ? String(configuration.endpoint.dropLast()) : configuration.endpoint
        guard let sep = endpoint.range(of: "://") else {
            throw .invalidConfiguration("the endpoint \(endpoint) has no scheme; write http://HOST:PORT or https://HOST")
        }
        let scheme = endpoint[..<sep.lowerBound].lowercased()
        let host = String(endpoint[sep.upperBound...])
        guard scheme == "http" || scheme == "https" else {
            throw .invalidConfiguration("the endpoint \(endpoint) is not http:// or https://")
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains("@") else {
            throw .invalidConfiguration("the endpoint \(endpoint) must be a scheme and a host (and port) only, without a path or user")
        }
        guard !configuration.bucket.isEmpty, !configuration.bucket.contains("/") else {
            throw .invalidConfiguration("the bucket name \"\(configuration.bucket)\" is empty or holds a /")
        }
        guard configuration.partSize >= 1 << 20, configuration.multipartThreshold >= configuration.partSize,
              configuration.uploadConcurrency >= 1, configuration.retry.attempts >= 1 else {
            throw .invalidConfiguration("part size (at least 1 MiB; S3 wants 5), multipart threshold (at least a part) and concurrency and attempts (at least 1)")
        }
        var configuration = configuration
        configuration.endpoint = endpoint
        configuration.prefix = configuration.prefix.split(separator: "/").joined(separator: "/")
        self.configuration = configuration
        self.scheme = scheme
        authority = configuration.addressing == .virtualHost ? "\(configuration.bucket).\(host)" : host
        signer = SigV4(credentials: credentials, region: configuration.region)
        transport = CurlTransport(connectTo: configuration.connectTo, connectTimeout: configuration.connectTimeout)
    }

    /// HTTP exchanges this client has made (every try counts): lets a test
    /// see that something touched no network, or was not retried.
    public var exchangeCount: Int { transport.exchanges.load(ordering: .relaxed) }

    // MARK: Objects

    /// The object's size, time and ETag; nil when there is none.
    public func head(_ key: String) throws -> ObjectInfo? {
        let call = Call(method: "HEAD", key: key)
        let response = try send(call, allowing: [404])
        if response.status == 404 { return nil }
        return ObjectInfo(key: key, size: response.headers["content-length"].flatMap { Int($0) } ?? 0,
                          lastModified: response.headers["last-modified"].flatMap(S3Date.rfc1123),
                          etag: response.headers["etag"])
    }

    /// The object's bytes; nil when there is none.
    public func get(_ key: String) throws -> [UInt8]? {
        let body = CollectedBody()
        return try get(key, into: body) ? body.bytes : nil
    }

    /// Streams the object's body into `body`; false when there is none.
    /// A retry starts the body over (``ResponseBody/begin(length:)``).
    func get(_ key: String, into body: ResponseBody, headers: [String: String] = [:]) throws -> Bool {
        var call = Call(method: "GET", key: key)
        call.headers = headers
        let response = try send(call, sink: body, allowing: [404])
        return response.status != 404
    }

    /// Stores the bytes of `parts`, one after another, as the object `key`:
    /// in one PUT, or in parts from ``Configuration/multipartThreshold`` on.
    /// Either way the object appears whole or not at all. `sha256` is the
    /// bytes' SHA-256 (hex) when the caller has it; otherwise it is computed.
    public func put(_ key: String, parts: [UnsafeRawBufferPointer], sha256: String? = nil) throws {
        let size = parts.reduce(0) { $0 + $1.count }
        if size >= configuration.multipartThreshold {
            try putMultipart(key, parts: parts, size: size)
            return
        }
        var call = Call(method: "PUT", key: key)
        call.body = parts
        call.payloadHash = sha256 ?? Self.sha256(parts)
        _ = try send(call)
    }

    /// Stores `bytes` as the object `key`.
    public func put(_ key: String, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try put(key, parts: [$0]) }
    }

    /// Removes the object `key` (nothing when there is none).
    public func delete(_ key: String) throws {
        _ = try send(Call(method: "DELETE", key: key), allowing: [404])
    }

    /// Copies the object onto itself, which gives it a new last-modified
    /// time (what a garbage collector's grace period counts from).
    public func touch(_ key: String) throws {
        var call = Call(method: "PUT", key: key)
        call.headers["x-amz-copy-source"] = SigV4.encode("/\(configuration.bucket)/\(fullKey(key))", keepSlash: true)
        call.headers["x-amz-metadata-directive"] = "REPLACE"
        let body = CollectedBody()
        _ = try send(call, sink: body, errorInBody: true)
    }

    /// Every object whose key starts with `keyPrefix` (relative to the
    /// client's prefix), in key order, page after page (ListObjectsV2;
    /// `pageSize` keys a page, S3's 1000 when nil).
    public func list(_ keyPrefix: String = "", pageSize: Int? = nil) throws -> [ObjectInfo] {
        var out: [ObjectInfo] = []
        var token: String?
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        repeat {
            var call = Call(method: "GET", key: nil)
            call.query = [("list-type", "2"), ("prefix", fullKey(keyPrefix))]
            if let token { call.query.append(("continuation-token", token)) }
            if let pageSize { call.query.append(("max-keys", String(pageSize))) }
            let body = CollectedBody()
            _ = try send(call, sink: body)
            let xml = Substring(String(decoding: body.bytes, as: UTF8.self))
            guard xml.contains("<ListBucketResult") else {
                throw S3Error.badResponse(request: call.describe(in: configuration), reason: "no ListBucketResult")
            }
            for entry in S3XML.elements("Contents", in: xml) {
                guard let key = S3XML.value("Key", in: entry), key.count >= strip else { continue }
                out.append(ObjectInfo(key: String(key.dropFirst(strip)), size: S3XML.value("Size", in: entry).flatMap { Int($0) } ?? 0,
                                      lastModified: S3XML.value("LastModified", in: entry).flatMap(S3Date.iso8601),
                                      etag: S3XML.value("ETag", in: entry)))
            }
            token = S3XML.value("IsTruncated", in: xml) == "true" ? S3XML.value("NextContinuationToken", in: xml) : nil
        } while token != nil
        return out
    }

    // MARK: Requests

    /// One request, before signing. `key` is relative to the prefix; nil
    /// addresses the bucket itself.
    struct Call {
        var method: String
        var key: String?
        var query: [(String, String)] = []
        var headers: [String: String] = [:]
        var body: [UnsafeRawBufferPointer] = []
        var payloadHash = SigV4.emptyPayloadHash

        /// `GET s3://bucket/prefix/key`, for messages.
        func describe(in config: Configuration) -> String {
            let path = key.map { config.prefix.isEmpty ? $0 : "\(config.prefix)/\($0)" } ?? ""
            return "\(method) s3://\(config.bucket)/\(path)"
        }
    }

    /// `key` with the client's prefix.
    func fullKey(_ key: String) -> String {
        configuration.prefix.isEmpty ? key : key.isEmpty ? configuration.prefix + "/" : "\(configuration.prefix)/\(key)"
    }

    /// The URL and the header lines of `call`, signed now.
    func signed(_ call: Call) -> (url: String, headers: [String]) {
        let objectPath = call.key.map { "/" + fullKey($0) } ?? "/"
        let path = configuration.addressing == .path
            ? "/" + configuration.bucket + (call.key == nil ? "" : objectPath)
            : objectPath
        var request = S3Request(method: call.method, host: authority, path: path, query: call.query,
                                headers: call.headers, payloadHash: call.payloadHash)
        request.rawSlashesInQuery = configuration.rawSlashesInQuery
        var lines = ["Host: \(authority)"]
        for (name, value) in call.headers { lines.append("\(name): \(value)") }
        for (name, value) in signer.headers(for: request, at: Date()) { lines.append("\(name): \(value)") }
        let query = call.query.map { (SigV4.encode($0.0, keepSlash: false), SigV4.encode($0.1, keepSlash: configuration.rawSlashesInQuery)) }
            .sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let url = "\(scheme)://\(authority)\(SigV4.encode(path, keepSlash: true))" + (query.isEmpty ? "" : "?" + query)
        return (url, lines)
    }

    /// Sends `call`, retrying what may pass, and returns a success's (or an
    /// `allowing` status's) response. `errorInBody`: a 200 whose body is an
    /// `<Error>` is a failure (CopyObject and CompleteMultipartUpload answer so).
    func send(_ call: Call, sink: ResponseBody? = nil, allowing: Set<Int> = [], errorInBody: Bool = false) throws -> HTTPResponse {
        let policy = configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            let (url, headers) = signed(call)
            let result = Result { () throws(TransportFailure) in
                try transport.perform(method: call.method, url: url, headers: headers, body: call.body, sink: sink)
            }
            switch result {
            case .failure(.body(let error)):
                throw error
            case .failure(.library(let error)):
                throw error
            case .failure(let failure):
                if failure.isTransient && attempt < policy.attempts {
                    pause(policy.delay(after: attempt))
                    continue
                }
                let reason = if case .curl(_, let message) = failure { message } else { "\(failure)" }
                throw S3Error.unreachable(url: configuration.endpoint, attempts: attempt, reason: redact(reason))
            case .success(var response):
                if errorInBody, (200..<300).contains(response.status), let collected = sink as? CollectedBody,
                   String(decoding: collected.bytes.prefix(512), as: UTF8.self).contains("<Error>") {
                    // A 200 that is an error: judge it as S3 means it.
                    response.errorBody = collected.bytes
                    response.status = 500
                }
                if (200..<300).contains(response.status) || allowing.contains(response.status) && !isBucketMissing(response) {
                    return response
                }
                let code = errorCode(response)
                let transient = response.status >= 500 || response.status == 429
                    || ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling"].contains(code)
                if transient && attempt < policy.attempts {
                    pause(policy.delay(after: attempt))
                    continue
                }
                throw failure(response, call, attempts: attempt)
            }
        }
    }

    /// Whether a 404 is about the bucket, not the key: never an answer a caller allows.
    private func isBucketMissing(_ response: HTTPResponse) -> Bool {
        response.status == 404 && errorCode(response) == "NoSuchBucket"
    }

    /// The `<Code>` of an error response, or nil (a HEAD's has no body).
    func errorCode(_ response: HTTPResponse) -> String? {
        guard !response.errorBody.isEmpty else { return nil }
        return S3XML.value("Code", in: Substring(String(decoding: response.errorBody, as: UTF8.self)))
    }

    /// The error a failed response means.
    func failure(_ response: HTTPResponse, _ call: Call, attempts: Int) -> S3Error {
        let xml = Substring(String(decoding: response.errorBody, as: UTF8.self))
        let key = signer.credentials.accessKey
        let request = call.describe(in: configuration)
        switch S3XML.value("Code", in: xml) {
        case "SignatureDoesNotMatch": return .signatureRejected(accessKey: key, region: configuration.region)
        case "InvalidAccessKeyId": return .unknownAccessKey(accessKey: key)
        case "ExpiredToken", "InvalidToken", "TokenRefreshRequired": return .expiredToken(accessKey: key)
        case "AccessDenied": return .accessDenied(accessKey: key, request: request)
        case "NoSuchBucket": return .noSuchBucket(bucket: configuration.bucket, endpoint: configuration.endpoint)
        case let code?:
            return .server(status: response.status, code: code, message: redact(S3XML.value("Message", in: xml) ?? ""),
                           request: request, attempts: attempts)
        case nil:
            // A HEAD's error has no body: ask again with a GET of its first byte, whose error does.
            if call.method == "HEAD", let key = call.key {
                var probe = Call(method: "GET", key: key)
                probe.headers["range"] = "bytes=0-0"
                let (url, headers) = signed(probe)
                if case .success(let answer) = Result(catching: { () throws(TransportFailure) in
                    try transport.perform(method: "GET", url: url, headers: headers, body: [], sink: CollectedBody())
                }), errorCode(answer) != nil {
                    return failure(answer, call, attempts: attempts)
                }
            }
            return .server(status: response.status, code: HTTPStatus.name(response.status), message: "", request: request, attempts: attempts)
        }
    }

    /// `text` with the secret key (should a server ever echo it) blotted out.
    func redact(_ text: String) -> String {
        let secret = signer.credentials.secretKey
        return secret.isEmpty ? text : text.replacingOccurrences(of: secret, with: "[secret]")
    }

    private func pause(_ seconds: Double) {
        usleep(UInt32(Swift.max(0, Swift.min(seconds, 60)) * 1_000_000))
    }

    /// The SHA-256 (hex) of the bytes of `parts`, one after another.
    static func sha256(_ parts: [UnsafeRawBufferPointer]) -> String {
        let hasher = SHA256.Hasher()
        for p in parts { hasher.update(p) }
        return hasher.finish()
    }
}

/// A response body gathered in memory.
final class CollectedBody: ResponseBody {
    var bytes: [UInt8] = []

    func begin(length: Int?) throws {
        bytes.removeAll(keepingCapacity: true)
        if let length { bytes.reserveCapacity(length) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Names of the statuses S3 answers without a body.
enum HTTPStatus {
    static func name(_ status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 416: return "InvalidRange"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
