/// Builds an SVG document as text: the root element, and the few shapes the
/// charts and the graph draw. Every string placed in it is escaped here;
/// numbers go through `SVGNumber`. The document stands alone as a file
/// (it names the SVG namespace) and inline in HTML; it defines no ids, so
/// any number of them can share a page.
struct SVGWriter {
    private(set) var text = ""

    /// Opens the document: a `width`×`height` view, text in the page's
    /// colour and font, and `label` for screen readers and as its tooltip.
    init(width: Double, height: Double, label: String, className: String) {
        let w = SVGNumber.coordinate(width), h = SVGNumber.coordinate(height)
        text.reserveCapacity(4096)
        text += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(className)\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
        text += " font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"currentColor\" role=\"img\" aria-label=\"\(HTMLText.attribute(label))\">\n"
        text += "<title>\(HTMLText.escape(label))</title>\n"
    }

    /// Closes the document and returns it.
    mutating func finish() -> String {
        text += "</svg>"
        return text
    }

    /// Appends markup built by the caller from numbers and fixed words only.
    mutating func raw(_ markup: String) {
        text += markup
    }

    enum Anchor: String { case start, middle, end }

    /// A line of text at (`x`, `y`) (its baseline), escaped.
    mutating func text(_ s: String, x: Double, y: Double, anchor: Anchor = .start, size: Double? = nil,
                       bold: Bool = false, opacity: Double? = nil, rotate: Bool = false, fill: String? = nil) {
        let cx = SVGNumber.coordinate(x), cy = SVGNumber.coordinate(y)
        text += "<text x=\"\(cx)\" y=\"\(cy)\""
        if anchor != .start { text += " text-anchor=\"\(anchor.rawValue)\"" }
        if let size { text += " font-size=\"\(SVGNumber.coordinate(size))\"" }
        if bold { text += " font-weight=\"600\"" }
        if let opacity { text += " fill-opacity=\"\(SVGNumber.fixed(opacity, decimals: 2))\"" }
        if let fill { text += " fill=\"\(fill)\"" }
        if rotate { text += " transform=\"rotate(-90 \(cx) \(cy))\"" }
        text += ">" + HTMLText.escape(s) + "</text>\n"
    }

    /// A straight line in the page's colour, faint by default.
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, opacity: Double = 0.15, width: Double = 1) {
        text += "<line x1=\"\(SVGNumber.coordinate(x1))\" y1=\"\(SVGNumber.coordinate(y1))\" x2=\"\(SVGNumber.coordinate(x2))\" y2=\"\(SVGNumber.coordinate(y2))\""
        text += " stroke=\"currentColor\" stroke-opacity=\"\(SVGNumber.fixed(opacity, decimals: 2))\""
        if width != 1 { text += " stroke-width=\"\(SVGNumber.coordinate(width))\"" }
        text += "/>\n"
    }

    /// A filled rectangle; `tooltip` becomes its `<title>`, escaped.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       opacity: Double? = nil, tooltip: String? = nil) {
        text += "<rect x=\"\(SVGNumber.coordinate(x))\" y=\"\(SVGNumber.coordinate(y))\" width=\"\(SVGNumber.coordinate(Swift.max(0, width)))\" height=\"\(SVGNumber.coordinate(Swift.max(0, height)))\" fill=\"\(fill)\""
        if let opacity { text += " fill-opacity=\"\(SVGNumber.fixed(opacity, decimals: 2))\"" }
        if let tooltip {
            text += "><title>" + HTMLText.escape(tooltip) + "</title></rect>\n"
        } else {
            text += "/>\n"
        }
    }

    /// The width `s` takes at `size` pixels, near enough to lay out labels
    /// without a font: most glyphs of a sans-serif are about 0.6 em.
    static func textWidth(_ s: String, size: Double = 11) -> Double {
        Double(s.count) * size * 0.6
    }

    /// `s` cut to `limit` characters, the last one an ellipsis when cut.
    static func truncated(_ s: String, to limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(Swift.max(1, limit - 1))) + "…"
    }
}
