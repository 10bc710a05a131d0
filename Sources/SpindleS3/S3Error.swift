/// What can go wrong talking to S3, in words that say what to do about it.
///
/// No case holds a secret: credentials appear by their access key id only,
/// and text a server sent back is scrubbed of the secret before it is kept
/// (``S3Client`` does that), so a message can go to a log or a terminal.
public enum S3Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// libcurl could not be loaded (`dlopen`); `reason` is the loader's.
    case libcurlMissing(reason: String)
    /// No credentials in the environment or the AWS shared files.
    case noCredentials(searched: String)
    /// The endpoint, bucket or another setting cannot work.
    case invalidConfiguration(String)
    /// No connection (or no complete answer) after every attempt.
    case unreachable(url: String, attempts: Int, reason: String)
    /// The server computed a different signature: the secret (or region) is wrong.
    case signatureRejected(accessKey: String, region: String)
    /// The server does not know the access key id.
    case unknownAccessKey(accessKey: String)
    /// The session token has expired or is not valid.
    case expiredToken(accessKey: String)
    /// The key is known and the signature right, but its policy forbids this request.
    case accessDenied(accessKey: String, request: String)
    /// The bucket does not exist at the endpoint.
    case noSuchBucket(bucket: String, endpoint: String)
    /// Any other answer that is not a success, after `attempts` tries.
    case server(status: Int, code: String, message: String, request: String, attempts: Int)
    /// An answer that does not parse as S3's.
    case badResponse(request: String, reason: String)

    public var description: String {
        switch self {
        case .libcurlMissing(let reason):
            return "the shared store needs libcurl: apt-get install libcurl4 (or set SPINDLE_LIBCURL to its path); loading it failed: \(reason)"
        case .noCredentials(let searched):
            return "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add them to a profile in ~/.aws/credentials (searched \(searched))"
        case .invalidConfiguration(let what):
            return "the S3 settings cannot work: \(what)"
        case .unreachable(let url, let attempts, let reason):
            return "cannot reach S3 at \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)"
        case .signatureRejected(let key, let region):
            return "S3 rejected the signature for access key \(key): check AWS_SECRET_ACCESS_KEY (or the profile's secret) and the region (\(region))"
        case .unknownAccessKey(let key):
            return "S3 does not know the access key \(key): check AWS_ACCESS_KEY_ID (or the profile in ~/.aws/credentials)"
        case .expiredToken(let key):
            return "the session token for access key \(key) has expired or is not valid: refresh the credentials (AWS_SESSION_TOKEN)"
        case .accessDenied(let key, let request):
            return "S3 denied \(request) to access key \(key): its policy must allow this action on the bucket"
        case .noSuchBucket(let bucket, let endpoint):
            return "there is no bucket \(bucket) at \(endpoint): create it, or check the bucket's name and the endpoint"
        case .server(let status, let code, let message, let request, let attempts):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "S3 answered \(request) with \(status) \(code)\(message.isEmpty ? "" : ": \(message)")\(tries)"
        case .badResponse(let request, let reason):
            return "S3's answer to \(request) does not parse: \(reason)"
        }
    }
}
