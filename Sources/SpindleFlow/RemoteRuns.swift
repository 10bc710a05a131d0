import Foundation
import SpindleStore

/// Brings a shared store's run into a local store so that it can be spun,
/// shown and diffed here (``Store/mirror(flow:run:from:as:)``).
public enum RemoteRuns {
    /// The local mirror of `run` (`.remote(store:number:)`, `.number(N)` of
    /// the shared store `name`, or nil/`.latest` for its latest completed
    /// run) in `local`, copied from the shared store unless a finished copy is
    /// already there — in which case nothing crosses the network.
    @discardableResult
    public static func mirror(flow: String, run: RunID?, from name: String, into local: Store) throws -> RunRecord {
        var number: Int?
        switch run {
        case .remote(let store, let n)? where store == name: number = n
        case .number(let n)?: number = n
        case nil, .latest?: number = nil
        default: throw StoreAddressError("\(run!) is not a run of '\(name)': give a run number, or nothing for its latest")
        }
        if let number, let copy = try local.mirrored(flow: flow, store: name, number: number), copy.status != .running {
            return copy
        }
        let address = try StoreAddress(parsing: name)
        guard case .shared(let metadata, let blobs) = address.place, address.profile == name else {
            throw StoreAddressError("'\(name)' is not a shared store named in spindle.toml ([stores.\(name)] with metadata and blobs)")
        }
        if local.address == address.description {
            throw StoreAddressError("--from \(name) names the store being written to; spin into a local store (drop --store)")
        }
        let source = try address.open(creating: false)
        let id: RunID
        if let number { id = .number(number) } else {
            guard let latest = try source.latestRun(flow: flow) else {
                throw StoreError.noSuch("completed run of \(flow) in \(name)", suggestion: nil)
            }
            id = latest.id
        }
        return try local.mirror(flow: flow, run: id, from: source, as: .init(name: name, metadata: metadata, blobs: blobs))
    }
}
