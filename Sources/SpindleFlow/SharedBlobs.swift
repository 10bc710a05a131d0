import Foundation
import SpindleStore

/// Opens the blob half of a shared store from its URL.
enum SharedBlobs {
    /// `s3://BUCKET/PREFIX` (read through the local cache at `cache`), or a folder.
    static func open(_ url: String, cache: URL) throws -> any BlobStore {
        if url.hasPrefix("s3://") {
            throw StoreAddressError("s3:// blobs are not wired yet")
        }
        try FileManager.default.createDirectory(atPath: url, withIntermediateDirectories: true)
        return try FileBlobStore(directory: URL(fileURLWithPath: url))
    }
}
