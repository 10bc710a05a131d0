import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// Options every command that reads a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: a folder, a profile of spindle.toml, or METADATA_URL,BLOBS_URL (default: $SPINDLE_STORE, else .spindle here or above).",
        valueName: "store"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("A shared store's metadata database (with --blobs): postgres://USER@HOST[:PORT]/DATABASE.",
                                            valueName: "url"))
    var metadata: String?

    @Option(name: .long, help: ArgumentHelp("A shared store's blobs (with --metadata): s3://BUCKET/PREFIX, or a folder.",
                                            valueName: "url"))
    var blobs: String?

    /// The store these options name, as one address (what task processes and spins get).
    func named() throws -> String? {
        switch (metadata, blobs) {
        case (nil, nil): return store
        case (let m?, let b?):
            guard store == nil else { throw ValidationError("give --store, or --metadata with --blobs, not both") }
            return "\(m),\(b)"
        case (nil, _): throw ValidationError("--blobs needs --metadata postgres://USER@HOST/DATABASE too")
        case (_, nil): throw ValidationError("--metadata needs --blobs s3://BUCKET/PREFIX too")
        }
    }

    func open(creating: Bool) throws -> Store { try Self.open(try named(), creating: creating) }

    /// The store, for reading `pathspecs`: a shared store's run among them
    /// (`prod:42`) is mirrored into it first when it is not already (making
    /// a local store if there is none), so it can be shown and diffed here.
    func open(reading pathspecs: [Pathspec]) throws -> Store {
        let remote = pathspecs.filter { $0.run?.isRemote == true }
        let store = try open(creating: !remote.isEmpty)
        for p in remote {
            guard case .remote(let name, _)? = p.run else { continue }
            try RemoteRuns.mirror(flow: p.flow, run: p.run, from: name, into: store)
        }
        return store
    }

    /// The store `explicit` names, or else $SPINDLE_STORE, or else the one found from here.
    static func open(_ explicit: String?, creating: Bool) throws -> Store {
        try StoreAddress.resolve(explicit: explicit, creating: creating).open(creating: creating)
    }
}
