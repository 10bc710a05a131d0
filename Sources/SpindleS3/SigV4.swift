import Foundation
import SpindleStore

/// AWS Signature Version 4 for S3-compatible object stores: the headers that
/// authenticate one request (`Authorization`, `x-amz-date`,
/// `x-amz-content-sha256`, and `x-amz-security-token` with temporary
/// credentials). Credentials come from the environment or credential files,
/// never from the command line or the store, and never appear in messages:
/// ``Credentials`` prints its access key id only.
///
/// ```swift
/// let signer = SigV4(credentials: creds, region: "us-east-1")
/// var request = S3Request(method: "GET", host: "127.0.0.1:9000", path: "/bucket/ab/cdef")
/// request.headers.merge(signer.headers(for: request, at: Date())) { _, new in new }
/// ```
public struct SigV4: Sendable {
    /// An access key and its secret (and a session token for temporary ones).
    public struct Credentials: Sendable, CustomStringConvertible {
        public var accessKey: String
        public var secretKey: String
        public var sessionToken: String?
        public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.sessionToken = sessionToken
        }
        /// The access key id only: a secret never reaches a log or an error.
        public var description: String { "credentials \(accessKey)" }
    }

    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 (hex) of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers to add to `request` so the server accepts it, signed at `date`.
    public func headers(for request: S3Request, at date: Date) -> [String: String] {
        let (amzDate, day) = SigV4.timestamps(date)
        var headers = request.headers
        headers["host"] = request.host
        headers["x-amz-date"] = amzDate
        headers["x-amz-content-sha256"] = request.payloadHash
        if let token = credentials.sessionToken { headers["x-amz-security-token"] = token }
        let signed = signature(request, headers: headers, amzDate: amzDate, day: day)
        var out = ["x-amz-date": amzDate, "x-amz-content-sha256": request.payloadHash]
        if let token = credentials.sessionToken { out["x-amz-security-token"] = token }
        out["Authorization"] = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(day)/\(region)/\(service)/aws4_request, "
            + "SignedHeaders=\(signed.signedHeaders), Signature=\(signed.signature)"
        return out
    }

    /// The canonical request, the string to sign, and the signature of `request`
    /// with exactly `headers` (names any case); exposed for tests against AWS's examples.
    public func signature(_ request: S3Request, headers: [String: String], amzDate: String, day: String)
        -> (canonicalRequest: String, stringToSign: String, signedHeaders: String, signature: String) {
        let canonical = headers.map { (SigV4.lowercase($0.key), SigV4.trimmed($0.value)) }.sorted { $0.0 < $1.0 }
        let signedHeaders = canonical.map(\.0).joined(separator: ";")
        let canonicalRequest = [
            request.method,
            SigV4.encode(request.path, keepSlash: true),
            request.query.map { (SigV4.encode($0.0, keepSlash: false), SigV4.encode($0.1, keepSlash: request.rawSlashesInQuery)) }
                .sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&"),
            canonical.map { "\($0.0):\($0.1)\n" }.joined(),
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + HMACSHA256.hex(HMACSHA256.digest(Array(canonicalRequest.utf8)))
        var key = Array("AWS4\(credentials.secretKey)".utf8)
        for part in [day, region, service, "aws4_request"] { key = HMACSHA256.mac(key: key, message: Array(part.utf8)) }
        let signature = HMACSHA256.hex(HMACSHA256.mac(key: key, message: Array(stringToSign.utf8)))
        return (canonicalRequest, stringToSign, signedHeaders, signature)
    }

    /// `20130524T000000Z` and `20130524`, in UTC.
    public static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let day = String(format: "%04d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        return (day + String(format: "T%02d%02d%02dZ", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)), day)
    }

    /// URI-encodes as SigV4 asks: every byte but `A–Z a–z 0–9 - _ . ~` (and `/` in a path) as `%XX`.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out += "/"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func lowercase(_ s: String) -> String { s.lowercased() }

    /// A header value as signed: outer blanks trimmed, inner runs of blanks made one space.
    static func trimmed(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// One HTTP request to an S3-compatible store, as SigV4 signs it.
public struct S3Request: Sendable {
    public var method: String
    /// `host` or `host:port`, as the Host header carries it.
    public var host: String
    /// The path, not yet URI-encoded: `/bucket/key` (path-style) or `/key` (virtual-host style).
    public var path: String
    public var query: [(String, String)]
    /// Headers besides those the signer adds.
    public var headers: [String: String]
    /// The SHA-256 (hex) of the body (``SigV4/emptyPayloadHash`` for none).
    public var payloadHash: String
    /// Leave `/` in query values unencoded, as sent: for servers that sign
    /// the query string as it arrives (moto) rather than as SigV4 specifies.
    public var rawSlashesInQuery = false

    public init(method: String, host: String, path: String, query: [(String, String)] = [], headers: [String: String] = [:],
                payloadHash: String = SigV4.emptyPayloadHash) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }
}
