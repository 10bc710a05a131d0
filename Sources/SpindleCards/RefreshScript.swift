/// The script a live page served by the web UI runs: every second it fetches
/// the card's body from a relative URL and puts it in place of the old one,
/// until the body it gets is no longer live. A failed fetch (the server
/// restarting) is retried a second later. It contains no `<`, so it cannot
/// end its own element early, and no URL but the one it is given.
enum RefreshScript {
    /// `url` when it is relative and plain printable ASCII without spaces,
    /// quotes, angle brackets, backslashes or backticks; else nil.
    static func url(_ url: String) -> String? {
        guard !url.isEmpty, !url.hasPrefix("//") else { return nil }
        for s in url.unicodeScalars {
            guard s.value > 0x20, s.value < 0x7F, !"\"'<>\\`".unicodeScalars.contains(s) else { return nil }
        }
        // A scheme is letters, digits, `+`, `-`, `.` before the first `:`,
        // and a relative URL has a `/`, `?` or `#` before any `:`.
        if let colon = url.firstIndex(of: ":") {
            let before = url[..<colon]
            if !before.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return nil }
        }
        return url
    }

    static func source(url: String) -> String {
        """
        (function(){var el=document.getElementById("\(CardPage.bodyID)");var url="\(url)";\
        function later(){setTimeout(tick,1000)}\
        function tick(){fetch(url,{cache:"no-store"}).then(function(r){if(!r.ok)throw new Error(r.status);return r.text()})\
        .then(function(t){el.innerHTML=t;if(el.querySelector("[data-live]"))later()},later)}\
        later()})();
        """
    }
}
