import Foundation
import Testing
@testable import SpindleS3

@Suite("SigV4 signing")
struct SigV4Tests {
    func hex(_ b: [UInt8]) -> String { HMACSHA256.hex(b) }

    @Test("HMAC-SHA-256 gives RFC 4231's test vectors")
    func hmac() {
        #expect(hex(HMACSHA256.mac(key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than a block is hashed first (test case 6).
        #expect(hex(HMACSHA256.mac(key: [UInt8](repeating: 0xAA, count: 131),
                                   message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("the signature of AWS's documented GET Object example")
    func awsExample() {
        let signer = SigV4(credentials: .init(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                           region: "us-east-1")
        let request = S3Request(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt",
                                headers: ["Range": "bytes=0-9"])
        let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
        let headers = signer.headers(for: request, at: date)
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(headers["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("paths and queries are encoded as SigV4 asks")
    func encoding() {
        #expect(SigV4.encode("/bucket/a b/é~x.y_z-1", keepSlash: true) == "/bucket/a%20b/%C3%A9~x.y_z-1")
        #expect(SigV4.encode("a/b=c&d", keepSlash: false) == "a%2Fb%3Dc%26d")
        #expect(SigV4.trimmed("  a   b \t c ") == "a b c")
    }

    @Test("credentials never print their secret")
    func secretStaysSecret() {
        let c = SigV4.Credentials(accessKey: "AKIDEXAMPLE", secretKey: "very-secret", sessionToken: "token")
        #expect("\(c)" == "credentials AKIDEXAMPLE")
        #expect(!String(reflecting: c).contains("very-secret"))
    }

    @Test("the same requests signed by botocore, AWS's own Python signer, get the same signatures")
    func agreesWithBotocore() throws {
        // botocore signs offline: it stamps the request with the time, and we sign ours at that time.
        let script = """
            import sys
            from botocore.auth import S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            for method, url, body in [("GET", "http://127.0.0.1:9000/spindle-bucket/ab/cdef%20x?list-type=2&prefix=a%2Fb", b""),
                                      ("PUT", "http://bucket.s3.example.test/blobs/01", b"hello blob")]:
                r = AWSRequest(method=method, url=url, data=body)
                S3SigV4Auth(creds, "s3", "eu-west-1").add_auth(r)
                print(r.headers["X-Amz-Date"], r.headers["X-Amz-Content-SHA256"], r.headers["Authorization"])
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [ProcessInfo.processInfo.environment["SPINDLE_PYTHON"] ?? "python3", "-c", script]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "botocore (pip install botocore; scripts/test installs it) failed: \(problem)")
        let lines = text.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(text)")
        let signer = SigV4(credentials: .init(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), region: "eu-west-1")
        let requests = [
            S3Request(method: "GET", host: "127.0.0.1:9000", path: "/spindle-bucket/ab/cdef x", query: [("list-type", "2"), ("prefix", "a/b")]),
            S3Request(method: "PUT", host: "bucket.s3.example.test", path: "/blobs/01",
                      payloadHash: HMACSHA256.hex(HMACSHA256.digest(Array("hello blob".utf8)))),
        ]
        for (line, request) in zip(lines, requests) {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            let (amzDate, payloadHash, authorization) = (parts[0], parts[1], parts[2])
            #expect(payloadHash == request.payloadHash)
            let ours = signer.headers(for: request, at: try #require(Self.date(amzDate)))
            #expect(ours["Authorization"] == authorization, "\(request.method): botocore \(authorization)")
        }
    }

    /// `20261130T043234Z` as a date.
    static func date(_ amz: String) -> Date? {
        let c = Array(amz)
        func n(_ r: Range<Int>) -> Int32? { Int32(String(c[r])) }
        guard c.count == 16, let y = n(0..<4), let mo = n(4..<6), let d = n(6..<8), let h = n(9..<11), let mi = n(11..<13), let s = n(13..<15) else { return nil }
        var t = tm()
        (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec) = (y - 1900, mo - 1, d, h, mi, s)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&t)))
    }
}
