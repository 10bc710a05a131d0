import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore

/// `cache`: the local copies of shared stores' blobs.
struct CacheTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Show or clear the local cache of shared stores' artifact bytes.",
        discussion: """
            Blobs read from a shared store (S3) are kept here, verified, so the next spin of the same step reads nothing \
            over the network. The folder is $SPINDLE_CACHE/blobs (default ~/.cache/spindle/blobs), bounded by \
            $SPINDLE_CACHE_LIMIT (default 10G); the least recently used blobs go first. Clearing it loses nothing: \
            the shared store keeps every blob.
            """)
    @Flag(help: "Remove every cached blob.") var clear = false

    func run() throws {
        let cache = try BlobCache.folderOnly(SharedStoreFolders.cache(), limit: try SharedStoreFolders.cacheLimit())
        let before = try cache.summary()
        if clear {
            try cache.clear()
            print("cleared \(before.count) blob\(before.count == 1 ? "" : "s") (\(NumberFormatting.count(before.bytes)) bytes) from \(before.folder)")
            return
        }
        print("""
            folder  \(before.folder)
            blobs   \(NumberFormatting.count(before.count))
            bytes   \(NumberFormatting.count(before.bytes)) of \(NumberFormatting.count(before.limit)) (\(percent(before.bytes, of: before.limit)))
            """)
    }

    func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
    }
}
