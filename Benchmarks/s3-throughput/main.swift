// Moves a large numeric artifact to and from an S3 server with S3BlobStore,
// and the same object with `curl --aws-sigv4`, interleaved in one run, and
// prints the throughput of each and their ratio. See README.md; run it with
// Benchmarks/s3-throughput/run.
import Foundation
import SpindleS3
import SpindleStore
import SpindleValue

struct Options {
    var megabytes = 100
    var reps = 5
    var partMiB: Int?
    var thresholdMiB: Int?
    var concurrency: Int?

    init(_ args: [String]) {
        var i = 0
        func next() -> Int {
            i += 1
            guard i < args.count, let n = Int(args[i]) else { fail("\(args[i - 1]) takes a number") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--mb": megabytes = next()
            case "--reps": reps = next()
            case "--part-mb": partMiB = next()
            case "--threshold-mb": thresholdMiB = next()
            case "--concurrency": concurrency = next()
            default: fail("usage: S3Throughput [--mb 100] [--reps 5] [--part-mb N] [--threshold-mb N] [--concurrency N]")
            }
            i += 1
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("s3-throughput: \(message)\n".utf8))
    exit(1)
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Runs curl and returns its own `time_total` (process start not counted).
func curl(_ args: [String]) -> Double {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    p.arguments = ["-sS", "--fail", "-o", "/dev/null", "-w", "%{time_total}"] + args
    let out = Pipe()
    p.standardOutput = out
    do { try p.run() } catch { fail("cannot run curl: \(error)") }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let t = Double(String(decoding: data, as: UTF8.self)) else {
        fail("curl \(args.joined(separator: " ")) failed (\(p.terminationStatus))")
    }
    return t
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let env = ProcessInfo.processInfo.environment
guard let endpoint = env["SPINDLE_TEST_S3"] else { fail("SPINDLE_TEST_S3 is not set: eval \"$(scripts/servers start)\" first") }
let bucket = env["SPINDLE_TEST_S3_BUCKET"] ?? "spindle-test"
let region = AWSConfiguration.region() ?? "us-east-1"
let credentials: SigV4.Credentials
do { credentials = try AWSConfiguration.credentials() } catch { fail("\(error)") }

func store(_ prefix: String) -> S3BlobStore {
    var config = S3Client.Configuration(endpoint: endpoint, region: region, bucket: bucket, prefix: prefix)
    config.rawSlashesInQuery = true  // moto
    if let p = options.partMiB { config.partSize = p << 20 }
    if let t = options.thresholdMiB { config.multipartThreshold = t << 20 }
    if let c = options.concurrency { config.uploadConcurrency = c }
    do { return S3BlobStore(client: try S3Client(config, credentials: credentials)) } catch { fail("\(error)") }
}

// The artifact: float64s, as a flow's large array artifact is stored.
let count = options.megabytes * 1_000_000 / 8
let array = NumericArray((0..<count).map { Double($0) * 0.25 })
let header = ArtifactCodec.numericHeader(array)
let size = header.count + count * 8
let file = FileManager.default.temporaryDirectory.appendingPathComponent("spindle-s3-bench-\(getpid())").path
let blobHash: String = header.withUnsafeBytes { h in array.storage.withUnsafeBytes { BlobName.of([h, $0]) } }
do {
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    header.withUnsafeBytes { h in array.storage.withUnsafeBytes { e in
        _ = FileIO.writeAll(fd, h)
        _ = FileIO.writeAll(fd, e)
    } }
    close(fd)
}
defer { unlink(file) }
// curl signs the payload hash it is given; moto wants one. Computed here, outside the timing.
let fileHash = header.withUnsafeBytes { h in array.storage.withUnsafeBytes { e in
    let hasher = SHA256.Hasher()
    hasher.update(h)
    hasher.update(e)
    return hasher.finish()
} }
let curlAuth = ["--aws-sigv4", "aws:amz:\(region):s3", "--user", "\(credentials.accessKey):\(credentials.secretKey)"]
let run = "bench-\(getpid())"

print("s3-throughput: \(size / 1_000_000) MB artifact, \(options.reps) reps, interleaved, server \(endpoint)")
var spindlePut: [Double] = [], spindleGet: [Double] = [], curlPut: [Double] = [], curlGet: [Double] = []
for rep in 0..<options.reps {
    // A fresh prefix each time: the store skips bytes already stored.
    let blobs = store("\(run)/spindle-\(rep)")
    var t = now()
    let hash: String
    do { hash = try header.withUnsafeBytes { h in try array.storage.withUnsafeBytes { try blobs.put(parts: [h, $0]) } } } catch { fail("\(error)") }
    spindlePut.append(now() - t)
    guard hash == blobHash else { fail("the store named the blob \(hash), not \(blobHash)") }
    t = now()
    let loaded: NumericArray?
    do { loaded = try blobs.numericArray(hash) } catch { fail("\(error)") }
    spindleGet.append(now() - t)
    guard let loaded, loaded.count == array.count else { fail("the array did not come back") }
    try? blobs.remove(hash)

    let url = "\(endpoint)/\(bucket)/\(run)/curl-\(rep)"
    curlPut.append(curl(curlAuth + ["-H", "x-amz-content-sha256: \(fileHash)", "-T", file, url]))
    curlGet.append(curl(curlAuth + ["-H", "x-amz-content-sha256: \(SigV4.emptyPayloadHash)", url]))
    _ = curl(curlAuth + ["-X", "DELETE", "-H", "x-amz-content-sha256: \(SigV4.emptyPayloadHash)", url])
}

let mb = Double(size) / 1_000_000
func report(_ name: String, _ ours: [Double], _ theirs: [Double]) {
    let a = mb / median(ours), b = mb / median(theirs)
    print(String(format: "%@  S3BlobStore %7.1f MB/s (median %.3f s)   curl %7.1f MB/s (median %.3f s)   ratio %.2f",
                 name, a, median(ours), b, median(theirs), a / b))
}
report("PUT", spindlePut, curlPut)
report("GET", spindleGet, curlGet)
