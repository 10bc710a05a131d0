import Foundation
import Testing
@testable import SpindleS3

@Suite("AWS credentials and S3's formats")
struct CredentialsTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("the environment comes first, with a session token when there is one")
    func environment() throws {
        let c = try AWSConfiguration.credentials(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "tok", "HOME": "/nonexistent",
        ])
        #expect(c.accessKey == "AKIAENV" && c.secretKey == "envsecret" && c.sessionToken == "tok")
    }

    @Test("otherwise the profile in the shared credentials file, then in the config file; the region from the config")
    func sharedFiles() throws {
        let dir = try folder()
        let credentials = dir.appendingPathComponent("credentials")
        try """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = defaultsecret

            [work]
            aws_access_key_id=AKIAWORK
            aws_secret_access_key=worksecret
            aws_session_token = worktoken
            """.write(to: credentials, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config")
        try """
            [default]
            region = eu-west-1
            [profile other]
            region = ap-south-1
            aws_access_key_id = AKIAOTHER
            aws_secret_access_key = othersecret
            """.write(to: config, atomically: true, encoding: .utf8)
        let base = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path, "HOME": "/nonexistent"]
        #expect(try AWSConfiguration.credentials(environment: base).accessKey == "AKIADEFAULT")
        let work = try AWSConfiguration.credentials(environment: base.merging(["AWS_PROFILE": "work"]) { $1 })
        #expect(work.accessKey == "AKIAWORK" && work.secretKey == "worksecret" && work.sessionToken == "worktoken")
        let other = try AWSConfiguration.credentials(environment: base.merging(["AWS_PROFILE": "other"]) { $1 })
        #expect(other.accessKey == "AKIAOTHER")
        #expect(AWSConfiguration.region(environment: base) == "eu-west-1")
        #expect(AWSConfiguration.region(environment: base.merging(["AWS_PROFILE": "other"]) { $1 }) == "ap-south-1")
        #expect(AWSConfiguration.region(environment: base.merging(["AWS_DEFAULT_REGION": "us-west-2"]) { $1 }) == "us-west-2")
        #expect(AWSConfiguration.region(environment: base.merging(["AWS_REGION": "sa-east-1", "AWS_DEFAULT_REGION": "x"]) { $1 }) == "sa-east-1")
        // HOME's ~/.aws is where the files are by default.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: credentials, to: dir.appendingPathComponent(".aws/credentials"))
        #expect(try AWSConfiguration.credentials(environment: ["HOME": dir.path]).accessKey == "AKIADEFAULT")
    }

    @Test("no credentials anywhere: an error that says where to put them")
    func none() throws {
        let error = #expect(throws: S3Error.self) {
            try AWSConfiguration.credentials(environment: ["HOME": "/nonexistent", "AWS_PROFILE": "nobody"])
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))
        #expect(message.contains("[nobody] in /nonexistent/.aws/credentials"))
    }

    @Test("S3's XML: values by element name, entities, empty elements; names are matched whole")
    func xml() {
        let xml: Substring = "<R><KeyCount>2</KeyCount><Contents><Key>a&amp;b &#x41;&#66;</Key></Contents><Contents><Key>c</Key><Tag/></Contents></R>"
        #expect(S3XML.values("Key", in: xml) == ["a&b AB", "c"])
        #expect(S3XML.elements("Contents", in: xml).count == 2)
        #expect(S3XML.value("KeyCount", in: xml) == "2")
        #expect(S3XML.values("Tag", in: xml) == [""])
        #expect(S3XML.escape("<a & 'b'>") == "&lt;a &amp; &apos;b&apos;&gt;")
    }

    @Test("S3's dates, in listings and in headers")
    func dates() {
        #expect(S3Date.iso8601("2026-11-30T05:26:58.000Z")?.timeIntervalSince1970 == 1_796_016_418)
        #expect(S3Date.iso8601("2026-11-30T05:26:58.250Z")?.timeIntervalSince1970 == 1_796_016_418.25)
        #expect(S3Date.rfc1123("Mon, 30 Nov 2026 05:26:58 GMT")?.timeIntervalSince1970 == 1_796_016_418)
        #expect(S3Date.rfc1123("yesterday") == nil)
        #expect(S3Date.iso8601("2026-13-30T05:26:58Z") == nil)
    }
}
