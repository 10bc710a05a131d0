/// A card rendered as one self-contained HTML page: its stylesheet, charts
/// (inline SVG), images (`data:` URIs) and its own data are all in the file,
/// so it opens from disk, is mailed or archived as one file, and loads
/// nothing from any network. The only URLs in it are links a step wrote in
/// its markdown.
///
/// The page carries the card as JSON in
/// `<script type="application/json" id="spindle-card">`, which is how
/// `components(in:)` reads a page back without a browser. A PNG's or JPEG's
/// bytes are not repeated there: the JSON holds an empty image and the
/// reader takes the bytes from the image's `<img>`.
public enum CardPage {
    /// The id of the element whose content is `body(_:)`, and which the
    /// refresh script replaces.
    static let bodyID = "spindle-card-body"
    static let dataOpen = "<script type=\"application/json\" id=\"spindle-card\">"

    /// The whole page.
    ///
    /// `refresh`: for a live card served by the web UI, a relative URL that
    /// returns `body(_:)` of the card as it is now. When it is given and
    /// `card.live`, a small inline script fetches it every second and swaps
    /// it in, and stops once the body it gets is no longer live. A page
    /// written to disk passes nil and has no script that fetches. An
    /// absolute URL (one with a scheme, or starting `//`), or one with
    /// spaces, quotes or angle brackets, is ignored: the page never talks to
    /// another origin.
    public static func html(_ card: Card, refresh: String? = nil) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"Spindle\">\n"
        out += "<title>" + HTMLText.escape(card.title) + "</title>\n"
        out += "<style>\n" + CardStyle.css + "\n</style>\n</head>\n<body>\n"
        out += "<main id=\"\(bodyID)\">\n" + body(card) + "</main>\n"
        out += dataOpen + CardJSON.encoded(pageData(card)) + "</script>\n"
        if card.live, let refresh, let url = RefreshScript.url(refresh) {
            out += "<script>" + RefreshScript.source(url: url) + "</script>\n"
        }
        return out + "</body>\n</html>\n"
    }

    /// The card's content without the page around it: the header (title,
    /// subtitle, the live badge, `updated`) and each component in order.
    /// This is what a live page's refresh fetches and swaps in.
    public static func body(_ card: Card) -> String {
        var out = "<header class=\"card-head\">\n<h1>" + HTMLText.escape(card.title) + "</h1>\n"
        if let subtitle = card.subtitle, !subtitle.isEmpty {
            out += "<p class=\"subtitle\">" + HTMLText.escape(subtitle) + "</p>\n"
        }
        if card.live || !(card.updated ?? "").isEmpty {
            out += "<p class=\"meta\">"
            if card.live { out += "<span class=\"live\" data-live=\"true\">live</span>" }
            if let updated = card.updated, !updated.isEmpty { out += "updated " + HTMLText.escape(updated) }
            out += "</p>\n"
        }
        out += "</header>\n"
        for (i, component) in card.components.enumerated() {
            out += ComponentHTML.html(component, index: i)
        }
        return out
    }

    /// The card as the page's JSON holds it: images that are drawn as
    /// `<img>` lose their bytes, which the `<img>` carries.
    static func pageData(_ card: Card) -> Card {
        var copy = card
        for (i, component) in card.components.enumerated() {
            if case .image(var image) = component, image.format != nil {
                image.bytes = []
                copy.components[i] = .image(image)
            }
        }
        return copy
    }
}
