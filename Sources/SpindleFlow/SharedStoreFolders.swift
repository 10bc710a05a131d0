import Foundation
import SpindleStore

/// Where a shared store keeps things on this machine: its local folder
/// (scratch files, the shell's history for it) and the blob cache that all
/// shared stores share (content-addressed, so sharing is safe).
///
/// Both live under `$SPINDLE_CACHE`, else `$XDG_CACHE_HOME/spindle`, else
/// `~/.cache/spindle`.
public enum SharedStoreFolders {
    /// The folder everything below lives in.
    public static func base() -> URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["SPINDLE_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("spindle") }
        // $HOME first: the user database (what homeDirectoryForCurrentUser reads) costs a task process ~0.5 ms.
        if let home = env["HOME"], !home.isEmpty { return URL(fileURLWithPath: home).appendingPathComponent(".cache/spindle") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/spindle")
    }

    /// The blob cache's folder (`BlobCache.defaultFolder`).
    public static func cache() -> URL { BlobCache.defaultFolder() }

    /// The cache's size bound: `SPINDLE_CACHE_LIMIT` (bytes, or with K, M, G
    /// or T: `20G`), else 10 GiB.
    public static func cacheLimit() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["SPINDLE_CACHE_LIMIT"], !text.isEmpty else {
            return BlobCache.defaultLimit
        }
        guard let bytes = parseSize(text) else {
            throw StoreAddressError("SPINDLE_CACHE_LIMIT='\(text)' is not a size: write bytes, or a number with K, M, G or T (20G)")
        }
        return bytes
    }

    /// `512`, `64K`, `100M`, `20G`, `1T` (powers of 1024) as bytes.
    public static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(text.uppercased())
        if digits.hasSuffix("B") || digits.hasSuffix("IB") { digits = digits.dropLast(digits.hasSuffix("IB") ? 2 : 1) }
        var shift = 0
        if let last = digits.last, let s = units[last] { shift = s; digits = digits.dropLast() }
        guard let n = Double(digits), n >= 0, n.isFinite else { return nil }
        let bytes = n * Double(1 << shift)
        return bytes < Double(Int.max) ? Int(bytes) : nil
    }

    /// The local folder of the shared store at `address`: named by its profile
    /// when it has one, else by a digest of its URLs.
    public static func local(for address: StoreAddress, creating: Bool = true) throws -> URL {
        let name = address.profile ?? "store-" + String(Array(address.description.utf8).withUnsafeBytes { BlobName.of([$0]) }.prefix(12))
        let dir = base().appendingPathComponent("stores").appendingPathComponent(name)
        guard creating else { return dir }
        do { try FileManager.default.createDirectory(at: dir.appendingPathComponent("tmp"), withIntermediateDirectories: true) } catch {
            throw StoreAddressError("cannot create \(dir.path) for the shared store's local files: \(error.localizedDescription)")
        }
        return dir
    }
}
