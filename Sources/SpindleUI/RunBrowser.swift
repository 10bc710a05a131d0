import Foundation
import SpindleFlow
import SpindleStore

/// The run browser: every page `spindle ui` serves, read from one store.
/// Read-only by construction: it calls only the store's reading methods.
/// Every path is parsed into a flow, run, step, task and name, each checked
/// as a pathspec part; nothing is ever looked up on disk by a path from a
/// request, so `/../../etc/passwd` is only a page that is not found.
public final class RunBrowser: Sendable {
    public let store: Store

    /// The most runs a listing shows.
    static let runLimit = 200
    /// The most tasks a run's page lists.
    static let taskLimit = 1000
    /// The most characters of a value's full view.
    static let valueLines = 2000

    public init(store: Store) { self.store = store }

    /// The answer to one request; a store error is a page saying what went wrong.
    public func respond(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        do {
            guard parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }) else {
                return Page.notFound("no page \(request.path)")
            }
            switch (parts.first, parts.count) {
            case (nil, _): return HTTPResponse(html: try runsPage(request.query))
            case ("run", 3): return HTTPResponse(html: try runPage(try pathspec(parts[1...2])))
            case ("task", 5): return HTTPResponse(html: try taskPage(try pathspec(parts[1...4])))
            case ("value", 6): return HTTPResponse(html: try valuePage(try pathspec(parts[1...4]), artifact: parts[5]))
            case ("card", 6): return try cardPage(try pathspec(parts[1...4]), name: parts[5], bodyOnly: false)
            case ("card-body", 6): return try cardPage(try pathspec(parts[1...4]), name: parts[5], bodyOnly: true)
            case ("diff", 1):
                guard let old = request.query["old"], let new = request.query["new"] else { return Page.notFound("diff needs ?old=…&new=…") }
                return HTTPResponse(html: try diffPage(old: try Pathspec(parsing: old), new: try Pathspec(parsing: new)))
            default:
                return Page.notFound("no page \(request.path)")
            }
        } catch let e as StoreError {
            return Page.notFound("\(e)")
        } catch let e as PathspecError {
            return Page.notFound("\(e)")
        } catch {
            return HTTPResponse(status: 500, html: Page.html(title: "error", crumbs: [("error", nil)],
                                                             body: "<h1>Something went wrong</h1><pre>\(Page.h("\(error)"))</pre>"))
        }
    }

    /// A pathspec from URL parts (flow, run[, step, task]), each part checked.
    func pathspec(_ parts: ArraySlice<String>) throws -> Pathspec {
        try Pathspec(parsing: parts.joined(separator: "/"))
    }
}
