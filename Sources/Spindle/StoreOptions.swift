import ArgumentParser
import Foundation
import SpindleFlow
import SpindleStore
import SpindleValue

/// Options every command that reads a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: .spindle here or above; or $SPINDLE_STORE).")
    var store: String?

    func open(creating: Bool) throws -> Store { try Self.open(store, creating: creating) }

    /// The store at `explicit`, or found from here or $SPINDLE_STORE.
    static func open(_ explicit: String?, creating: Bool) throws -> Store {
        let root = try StoreLocation.resolve(explicit: explicit, creating: creating)
        return try Store.open(at: root, create: creating)
    }
}
