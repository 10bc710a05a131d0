import Foundation
import SpindleStore
import Synchronization

extension S3Client {
    /// Uploads the bytes of `parts` as the object `key` in parts of
    /// ``Configuration/partSize``, ``Configuration/uploadConcurrency`` at a
    /// time, each on a thread of its own that hashes its part (SigV4 signs
    /// the payload) and sends it. The object appears only when S3 completes
    /// the upload; any failure aborts it, so nothing of it remains.
    func putMultipart(_ key: String, parts: [UnsafeRawBufferPointer], size: Int) throws {
        var create = Call(method: "POST", key: key)
        create.query = [("uploads", "")]
        let created = CollectedBody()
        _ = try send(create, sink: created)
        guard let uploadID = S3XML.value("UploadId", in: Substring(String(decoding: created.bytes, as: UTF8.self))),
              !uploadID.isEmpty else {
            throw S3Error.badResponse(request: create.describe(in: configuration), reason: "no UploadId")
        }
        do {
            let etags = try uploadParts(key, uploadID: uploadID, parts: parts, size: size)
            try complete(key, uploadID: uploadID, etags: etags, size: size)
        } catch {
            abort(key, uploadID: uploadID)
            throw error
        }
    }

    /// Uploads every part; returns their ETags in order.
    private func uploadParts(_ key: String, uploadID: String, parts: [UnsafeRawBufferPointer], size: Int) throws -> [String] {
        let job = PartsJob(parts: parts, size: size, partSize: configuration.partSize)
        let helpers = Swift.max(0, Swift.min(job.count, configuration.uploadConcurrency) - 1)
        let finished = DispatchSemaphore(value: 0)
        let work: @Sendable () -> Void = { [self] in
            job.work { number, body in
                var call = Call(method: "PUT", key: key)
                call.query = [("partNumber", String(number)), ("uploadId", uploadID)]
                call.body = body
                call.payloadHash = S3Client.sha256(body)
                let response = try send(call)
                guard let etag = response.headers["etag"] else {
                    throw S3Error.badResponse(request: call.describe(in: configuration), reason: "part \(number) has no ETag")
                }
                return etag
            }
        }
        for _ in 0..<helpers {
            Thread { work(); finished.signal() }.start()
        }
        work()
        for _ in 0..<helpers { finished.wait() }
        return try job.result()
    }

    /// CompleteMultipartUpload. When a retry of it finds the upload gone
    /// (the first try completed it, but its answer was lost), the object
    /// itself is checked.
    private func complete(_ key: String, uploadID: String, etags: [String], size: Int) throws {
        var xml = "<CompleteMultipartUpload>"
        for (i, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        try body.withUnsafeBytes { bytes in
            var call = Call(method: "POST", key: key)
            call.query = [("uploadId", uploadID)]
            call.body = [bytes]
            call.payloadHash = SHA256.hex(bytes)
            call.headers["content-type"] = "application/xml"
            do {
                _ = try send(call, sink: CollectedBody(), errorInBody: true)
            } catch S3Error.server(404, "NoSuchUpload", _, _, let attempts) where attempts > 1 {
                guard let info = try head(key), info.size == size else { throw S3Error.server(
                    status: 404, code: "NoSuchUpload", message: "the upload vanished before it completed",
                    request: call.describe(in: configuration), attempts: attempts) }
            }
        }
    }

    /// AbortMultipartUpload, so that no part of a failed upload stays stored
    /// (or billed). Best effort: its own failure leaves the first one to report.
    private func abort(_ key: String, uploadID: String) {
        var call = Call(method: "DELETE", key: key)
        call.query = [("uploadId", uploadID)]
        _ = try? send(call, allowing: [404])
    }

    /// Keys with multipart uploads begun and neither completed nor aborted
    /// under `keyPrefix` (ListMultipartUploads, first page): what a failed
    /// upload must not leave behind.
    public func pendingUploads(_ keyPrefix: String = "") throws -> [String] {
        var call = Call(method: "GET", key: nil)
        call.query = [("uploads", ""), ("prefix", fullKey(keyPrefix))]
        let body = CollectedBody()
        _ = try send(call, sink: body)
        let xml = Substring(String(decoding: body.bytes, as: UTF8.self))
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        return S3XML.elements("Upload", in: xml).compactMap { S3XML.value("Key", in: $0) }.map { String($0.dropFirst(strip)) }
    }
}

/// The parts of one multipart upload: which to send next, their ETags, the first failure.
private final class PartsJob: @unchecked Sendable {
    let parts: [UnsafeRawBufferPointer]
    let size: Int
    let partSize: Int
    let count: Int
    private let next = Atomic<Int>(0)
    private let state: Mutex<(etags: [String?], failure: (any Error)?)>

    init(parts: [UnsafeRawBufferPointer], size: Int, partSize: Int) {
        self.parts = parts
        self.size = size
        self.partSize = partSize
        count = (size + partSize - 1) / partSize
        state = Mutex((etags: [String?](repeating: nil, count: count), failure: nil))
    }

    /// Sends parts until none is left or one has failed; `send` gets the
    /// part's number (from 1) and its bytes, and returns its ETag.
    func work(_ send: (Int, [UnsafeRawBufferPointer]) throws -> String) {
        while true {
            let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard k < count else { return }
            let body = Self.slice(parts, (k * partSize)..<Swift.min(size, (k + 1) * partSize))
            do {
                let etag = try send(k + 1, body)
                state.withLock { $0.etags[k] = etag }
            } catch {
                state.withLock { if $0.failure == nil { $0.failure = error } }
                next.store(count, ordering: .relaxed)
                return
            }
        }
    }

    /// Every part's ETag, or the first failure.
    func result() throws -> [String] {
        let (etags, failure) = state.withLock { ($0.etags, $0.failure) }
        if let failure { throw failure }
        return etags.map { $0! }
    }

    /// The pieces of `parts` that fall in `range` of their concatenation.
    static func slice(_ parts: [UnsafeRawBufferPointer], _ range: Range<Int>) -> [UnsafeRawBufferPointer] {
        var out: [UnsafeRawBufferPointer] = []
        var start = 0
        for p in parts {
            let end = start + p.count
            let lo = Swift.max(start, range.lowerBound), hi = Swift.min(end, range.upperBound)
            if lo < hi { out.append(UnsafeRawBufferPointer(rebasing: p[(lo - start)..<(hi - start)])) }
            if end >= range.upperBound { break }
            start = end
        }
        return out
    }
}
