import Foundation
import Testing
import SpindleStore
@testable import SpindleS3
#if canImport(Glibc)
import Glibc
#endif

/// The client's addressing, errors and retries: against moto where it can
/// show them, against a scripted server for answers moto will not give.
@Suite("S3 client")
struct S3ClientTests {
    @Test("a wrong secret is the signature error, naming the access key and never the secret; it is not retried")
    func wrongSecret() throws {
        let good = try TestServer.credentials()
        let secret = "wrong-secret-\(UUID().uuidString)"
        let client = try S3Client(try TestServer.configuration("secret"),
                                  credentials: .init(accessKey: good.accessKey, secretKey: secret))
        let error = #expect(throws: S3Error.self) { try client.get("anything") }
        #expect(error == .signatureRejected(accessKey: good.accessKey, region: client.configuration.region))
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("S3 rejected the signature for access key \(good.accessKey): check AWS_SECRET_ACCESS_KEY"))
        #expect(!message.contains(secret) && !message.contains(good.secretKey))
        #expect(client.exchangeCount == 1)
        // A blob store's put asks with a HEAD first, whose error has no body: still the same error.
        let store = S3BlobStore(client: client)
        #expect(throws: S3Error.signatureRejected(accessKey: good.accessKey, region: client.configuration.region)) {
            try store.put([1, 2, 3])
        }
    }

    @Test("an access key the server does not know says so")
    func unknownKey() throws {
        let client = try S3Client(try TestServer.configuration("key"), credentials: .init(accessKey: "AKIANOSUCHKEY0000000", secretKey: "x"))
        #expect(throws: S3Error.unknownAccessKey(accessKey: "AKIANOSUCHKEY0000000")) { try client.put("k", [1]) }
    }

    @Test("a bucket that does not exist says so, and is not a missing blob")
    func noSuchBucket() throws {
        let client = try TestServer.client("bucket") { $0.bucket = "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())" }
        let store = S3BlobStore(client: client)
        let error = #expect(throws: S3Error.self) { try store.get(SHA256.hex([1])) }
        #expect(error == .noSuchBucket(bucket: client.configuration.bucket, endpoint: client.configuration.endpoint))
        #expect(throws: S3Error.noSuchBucket(bucket: client.configuration.bucket, endpoint: client.configuration.endpoint)) {
            try store.put([1, 2])
        }
    }

    @Test("a server that is down is tried the configured number of times, then a clear error; nothing is written")
    func serverDown() throws {
        // A port bound but not listening refuses every connection.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"

        var config = try TestServer.configuration("down")
        let live = try S3Client(config, credentials: try TestServer.credentials())
        config.endpoint = url
        let store = S3BlobStore(client: try S3Client(config, credentials: try TestServer.credentials()))
        let bytes = TestServer.randomBytes(1000)
        let error = #expect(throws: S3Error.self) { try store.put(bytes) }
        guard case .unreachable(url, 3, _)? = error else {
            Issue.record("expected unreachable after 3 attempts, got \(String(describing: error))")
            return
        }
        #expect("\(error!)".hasPrefix("cannot reach S3 at \(url) after 3 attempts: "))
        #expect(store.client.exchangeCount == 3)
        // The same bucket and prefix, reached: no object there.
        #expect(try live.list().isEmpty)
    }

    @Test("virtual-host addressing: the bucket in the host name, sent to the server's address")
    func virtualHost() throws {
        let port = try TestServer.port()
        let store = try TestServer.store("vhost") {
            $0.endpoint = "http://s3.spindle.test:\(port)"
            $0.addressing = .virtualHost
            $0.connectTo = "127.0.0.1:\(port)"
        }
        let bytes = TestServer.randomBytes(4000)
        let hash = try store.put(bytes)
        #expect(try store.get(hash) == bytes)
        #expect(try store.allHashes() == [hash])
        // The object is where a path-style client of the same bucket and prefix finds it.
        var config = try TestServer.configuration("vhost")
        config.prefix = store.client.configuration.prefix
        let pathStyle = try S3Client(config, credentials: try TestServer.credentials())
        #expect(try pathStyle.get(S3BlobStore.key(hash)) == bytes)
    }

    @Test("listing follows continuation tokens page after page")
    func pagedListing() throws {
        let client = try TestServer.client("pages")
        let keys = (0..<5).map { "k/\($0)" }
        for k in keys { try client.put(k, Array(k.utf8)) }
        let before = client.exchangeCount
        #expect(try client.list("k/", pageSize: 2).map(\.key) == keys)
        #expect(client.exchangeCount == before + 3)
    }

    @Test("a 503, a 429 and SlowDown are retried until the answer comes")
    func retriesTransientAnswers() throws {
        let server = try ScriptedServer([.xmlError(503, "ServiceUnavailable"), .xmlError(429, "TooManyRequests"),
                                         .xmlError(503, "SlowDown"), .init(status: 200, body: Array("hello".utf8))])
        defer { server.stop() }
        let client = try scriptedClient(server, attempts: 5)
        #expect(try client.get("k") == Array("hello".utf8))
        #expect(server.requests == 4)
    }

    @Test("a body cut short is retried")
    func retriesBrokenBody() throws {
        let body = Array(repeating: UInt8(7), count: 1000)
        let server = try ScriptedServer([.init(status: 200, body: body, cutAfter: 10), .init(status: 200, body: body)])
        defer { server.stop() }
        let client = try scriptedClient(server, attempts: 3)
        #expect(try client.get("k") == body)
        #expect(server.requests == 2)
    }

    @Test("requests one after another reuse one connection")
    func keepAlive() throws {
        let server = try ScriptedServer([.init(status: 200, body: Array("ok".utf8))], keepAlive: true)
        defer { server.stop() }
        let client = try scriptedClient(server, attempts: 1)
        for _ in 0..<5 { #expect(try client.get("k") == Array("ok".utf8)) }
        _ = try client.head("k")
        try client.put("k", [1, 2, 3])
        #expect(server.requests == 7)
        #expect(server.connections == 1)
    }

    @Test("a 403 is not retried")
    func noRetryOn403() throws {
        let server = try ScriptedServer([.xmlError(403, "AccessDenied"), .init(status: 200)])
        defer { server.stop() }
        let client = try scriptedClient(server, attempts: 5)
        let error = #expect(throws: S3Error.self) { try client.put("k", [1, 2, 3]) }
        #expect(error == .accessDenied(accessKey: "AKIASCRIPTED", request: "PUT s3://b/p/k"))
        #expect(server.requests == 1)
    }

    @Test("a server that keeps failing: the error says what it answered and how often it was asked")
    func exhaustedRetries() throws {
        let server = try ScriptedServer([.xmlError(500, "InternalError")])
        defer { server.stop() }
        let client = try scriptedClient(server, attempts: 3)
        let error = #expect(throws: S3Error.self) { try client.get("k") }
        #expect(error == .server(status: 500, code: "InternalError", message: "scripted", request: "GET s3://b/p/k", attempts: 3))
        #expect(error.map { "\($0)" } == "S3 answered GET s3://b/p/k with 500 InternalError: scripted after 3 attempts")
        #expect(server.requests == 3)
    }

    func scriptedClient(_ server: ScriptedServer, attempts: Int) throws -> S3Client {
        var config = S3Client.Configuration(endpoint: "http://127.0.0.1:\(server.port)", region: "us-east-1", bucket: "b", prefix: "p")
        config.retry = .init(attempts: attempts, firstDelay: 0.001, maxDelay: 0.01)
        return try S3Client(config, credentials: .init(accessKey: "AKIASCRIPTED", secretKey: "scripted-secret"))
    }

    @Test("a missing libcurl is a typed error that says what to install")
    func missingLibcurl() throws {
        let error = #expect(throws: S3Error.self) { try Curl.probe("libcurl-not-installed.so.9") }
        guard case .libcurlMissing? = error else {
            Issue.record("expected libcurlMissing, got \(String(describing: error))")
            return
        }
        #expect("\(error!)".hasPrefix("the shared store needs libcurl: apt-get install libcurl4"))
        try Curl.probe("libcurl.so.4")
    }

    @Test("bad settings are refused before any request")
    func badConfiguration() throws {
        let creds = SigV4.Credentials(accessKey: "a", secretKey: "b")
        for endpoint in ["127.0.0.1:9000", "ftp://host", "http://host/path"] {
            #expect(throws: S3Error.self) {
                try S3Client(.init(endpoint: endpoint, region: "r", bucket: "b"), credentials: creds)
            }
        }
        var small = S3Client.Configuration(endpoint: "http://h", region: "r", bucket: "b")
        small.partSize = 1000
        #expect(throws: S3Error.self) { try S3Client(small, credentials: creds) }
    }
}
