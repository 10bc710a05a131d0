import Foundation
import SpindleCards

/// The frame every page of the run browser shares: a title, a bar of links,
/// one inline stylesheet (no request leaves the page), and the body.
enum Page {
    /// Escapes text for HTML (every string from the store passes through here).
    static func h(_ s: String) -> String { HTMLText.escape(s) }

    /// A link's path from its segments, each percent-encoded.
    static func path(_ segments: [String]) -> String {
        "/" + segments.map { $0.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? $0 }.joined(separator: "/")
    }
    static let segmentCharacters: CharacterSet = {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-_.~:")
        return c
    }()

    /// A query parameter's value, percent-encoded.
    static func query(_ s: String) -> String {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-_.~/:")
        return s.addingPercentEncoding(withAllowedCharacters: c) ?? s
    }

    /// A whole page.
    static func html(title: String, crumbs: [(String, String?)], body: String, refreshSeconds: Int? = nil) -> String {
        let nav = crumbs.map { label, href in href.map { "<a href=\"\(HTMLText.attribute($0))\">\(h(label))</a>" } ?? "<span>\(h(label))</span>" }
            .joined(separator: " <span class=\"sep\">/</span> ")
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
        <title>\(h(title)) · spindle</title>
        <style>\(style)</style></head>
        <body><header><a class="brand" href="/">spindle</a> <nav>\(nav)</nav></header>
        <main>
        \(body)
        </main></body></html>
        """
    }

    static let style = """
    :root { color-scheme: light dark; --fg: #1d232a; --muted: #66707a; --line: #d8dde2; --bg: #fff; --head: #f3f5f7;
      --ok: #1a7f37; --bad: #cf222e; --run: #9a6700; --link: #0b5cad; }
    @media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --muted: #9aa4ad; --line: #373e45; --bg: #15191d; --head: #1f252b;
      --ok: #4ac26b; --bad: #ff7b72; --run: #d29922; --link: #6cb6ff; } }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
    header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1.2em; border-bottom: 1px solid var(--line); background: var(--head); }
    .brand { font-weight: 700; } .sep { color: var(--muted); }
    main { padding: 1em 1.2em; max-width: 1200px; }
    a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
    h1 { font-size: 1.3em; margin: .2em 0 .6em; } h2 { font-size: 1.05em; margin: 1.4em 0 .5em; }
    table { border-collapse: collapse; width: 100%; } .scroll { overflow-x: auto; }
    th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: var(--head); font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    pre { background: var(--head); padding: .7em; overflow: auto; max-height: 40em; font-size: 12.5px; }
    .completed { color: var(--ok); } .failed, .cancelled, .unfinished { color: var(--bad); } .running { color: var(--run); }
    .muted { color: var(--muted); } .facts td:first-child { color: var(--muted); width: 12em; }
    form input[type=search] { padding: .3em .5em; width: 24em; max-width: 100%; }
    iframe { width: 100%; height: 40em; border: 1px solid var(--line); }
    .graph svg { max-width: 100%; height: auto; }
    .chart svg { max-width: 100%; height: auto; }
    """

    /// A status word coloured by its meaning.
    static func status(_ s: String) -> String { "<span class=\"\(HTMLText.attribute(s))\">\(h(s))</span>" }

    /// A two-column table of facts.
    static func facts(_ rows: [(String, String)]) -> String {
        "<table class=\"facts\">" + rows.map { "<tr><td>\(h($0.0))</td><td>\(h($0.1))</td></tr>" }.joined() + "</table>"
    }

    static func notFound(_ what: String) -> HTTPResponse {
        HTTPResponse(status: 404, html: html(title: "not found", crumbs: [("not found", nil)],
                                             body: "<h1>Not found</h1><p>\(h(what))</p><p><a href=\"/\">all runs</a></p>"))
    }
}
