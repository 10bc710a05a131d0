import Foundation
import SpindleStore
@testable import SpindleS3

/// The S3 server the tests run against: moto on loopback, signature checks
/// on, started by `scripts/servers start` (scripts/test starts it too).
/// A test that needs it and finds none fails, saying how to start it.
enum TestServer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "no S3 test server: SPINDLE_TEST_S3 is not set. Run scripts/servers start, then eval \"$(scripts/servers env)\" "
                + "in the shell that runs swift test (scripts/test does both)"
        }
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The endpoint URL (path-style), e.g. http://127.0.0.1:40193.
    static func endpoint() throws -> String {
        guard let url = environment["SPINDLE_TEST_S3"], !url.isEmpty else { throw Missing() }
        return url
    }

    /// The server's port.
    static func port() throws -> Int {
        let url = try endpoint()
        guard let colon = url.lastIndex(of: ":"), let port = Int(url[url.index(after: colon)...]) else { throw Missing() }
        return port
    }

    static func credentials() throws -> SigV4.Credentials { try AWSConfiguration.credentials(environment: environment) }

    /// A configuration for the test bucket under a key prefix no other test uses.
    static func configuration(_ test: String) throws -> S3Client.Configuration {
        var config = S3Client.Configuration(endpoint: try endpoint(), region: AWSConfiguration.region(environment: environment) ?? "us-east-1",
                                            bucket: environment["SPINDLE_TEST_S3_BUCKET"] ?? "spindle-test",
                                            prefix: "tests/\(test)-\(UUID().uuidString.prefix(8))")
        // moto checks the signature of the query as its web server decoded it.
        config.rawSlashesInQuery = true
        // Quick retries: a test never waits seconds for a server that is down.
        config.retry = .init(attempts: 3, firstDelay: 0.01, maxDelay: 0.05)
        return config
    }

    static func client(_ test: String, _ change: (inout S3Client.Configuration) -> Void = { _ in }) throws -> S3Client {
        var config = try configuration(test)
        change(&config)
        return try S3Client(config, credentials: try credentials())
    }

    static func store(_ test: String, _ change: (inout S3Client.Configuration) -> Void = { _ in }) throws -> S3BlobStore {
        S3BlobStore(client: try client(test, change))
    }

    /// Bytes that differ from test to test.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { raw in
            let words = raw.count / 8
            for i in 0..<words { raw.storeBytes(of: g.next(), toByteOffset: i * 8, as: UInt64.self) }
            for i in (words * 8)..<raw.count { raw[i] = UInt8.random(in: 0...255) }
        }
        return out
    }
}
