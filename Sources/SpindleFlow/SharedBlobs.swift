import Foundation
import SpindleS3
import SpindleStore

/// Opens the blob half of a shared store from its URL.
///
/// `s3://BUCKET/PREFIX` with optional query settings:
/// - `endpoint=http://HOST:PORT` — an S3-compatible server (MinIO, moto…);
///   else `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS's own;
/// - `region=R` — else `AWS_REGION`, the AWS config file, else us-east-1;
/// - `addressing=path` or `virtual` — default virtual-host for AWS, path for
///   another endpoint;
/// - `query-slashes=raw` — for moto, which checks signatures against a query
///   its web server has already decoded.
///
/// Or a folder path (blobs on a shared disk). Credentials come from the AWS
/// variables and files (``AWSConfiguration``), never from the URL.
public enum SharedBlobs {
    /// The blob store the URL names, read through the local cache at `cache`.
    public static func open(_ url: String, cache: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> any BlobStore {
        if url.hasPrefix("s3://") {
            let client = try S3Client(try configuration(url, environment: environment),
                                      credentials: try AWSConfiguration.credentials(environment: environment))
            return try BlobCache(remote: S3BlobStore(client: client), folder: cache, limit: try SharedStoreFolders.cacheLimit())
        }
        try FileManager.default.createDirectory(atPath: url, withIntermediateDirectories: true)
        return try FileBlobStore(directory: URL(fileURLWithPath: url))
    }

    /// The client settings an `s3://` URL names.
    public static func configuration(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> S3Client.Configuration {
        guard let parts = URLComponents(string: url), parts.scheme == "s3", let bucket = parts.host, !bucket.isEmpty else {
            throw StoreAddressError("'\(url.prefix(80))' is not an S3 location: write s3://BUCKET/PREFIX")
        }
        var settings: [String: String] = [:]
        for item in parts.queryItems ?? [] {
            guard ["endpoint", "region", "addressing", "query-slashes"].contains(item.name), let value = item.value else {
                throw StoreAddressError("s3:// URLs take endpoint=, region=, addressing= and query-slashes=, not '\(item.name)'")
            }
            settings[item.name] = value
        }
        let region = settings["region"] ?? AWSConfiguration.region(environment: environment) ?? "us-east-1"
        let custom = settings["endpoint"] ?? environment["AWS_ENDPOINT_URL_S3"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let addressing: S3Client.Addressing
        switch settings["addressing"] {
        case nil: addressing = custom == nil ? .virtualHost : .path
        case "path": addressing = .path
        case "virtual": addressing = .virtualHost
        case let other?: throw StoreAddressError("addressing=\(other): write addressing=path or addressing=virtual")
        }
        var config = S3Client.Configuration(endpoint: custom ?? "https://s3.\(region).amazonaws.com", region: region, bucket: bucket,
                                            prefix: parts.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")),
                                            addressing: addressing)
        switch settings["query-slashes"] {
        case nil, "encoded": break
        case "raw": config.rawSlashesInQuery = true
        case let other?: throw StoreAddressError("query-slashes=\(other): write query-slashes=raw (for moto) or leave it out")
        }
        return config
    }
}
