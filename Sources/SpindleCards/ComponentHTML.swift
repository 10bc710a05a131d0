/// The HTML of each kind of component: one element, classed `c` and the
/// component's kind, every string in it escaped with `HTMLText`.
enum ComponentHTML {
    /// `index` is the component's place on the card: an image's `<img>`
    /// carries it, so `CardPage.components(in:)` can find its bytes.
    static func html(_ component: CardComponent, index: Int) -> String {
        switch component {
        case .markdown(let text):
            return "<section class=\"c markdown\">\n" + Markdown.html(text) + "\n</section>\n"
        case .table(let table):
            return self.table(table)
        case .image(let image):
            return self.image(image, index: index)
        case .chart(let chart):
            return "<figure class=\"c chart\">\n" + SVGChart.svg(chart) + "\n</figure>\n"
        case .artifact(let name, let type, let summary):
            return "<section class=\"c artifact\">\n<div class=\"artifact-head\"><code class=\"artifact-name\">"
                + HTMLText.escape(name) + "</code><span class=\"artifact-type\">" + HTMLText.escape(type)
                + "</span></div>\n<pre>" + HTMLText.escape(summary) + "</pre>\n</section>\n"
        case .progress(let label, let done, let total):
            return progress(label: label, done: done, total: total)
        case .facts(let title, let facts):
            var rows = ""
            for fact in facts {
                rows += "<tr><th scope=\"row\">" + HTMLText.escape(fact.key) + "</th><td>" + HTMLText.escape(fact.value) + "</td></tr>\n"
            }
            return "<section class=\"c facts\">\n" + heading(title) + "<div class=\"scroll\"><table class=\"facts\"><tbody>\n"
                + rows + "</tbody></table></div>\n</section>\n"
        case .log(let title, let lines):
            return "<section class=\"c log\">\n" + heading(title) + "<pre>" + HTMLText.escape(lines.joined(separator: "\n"))
                + "</pre>\n</section>\n"
        case .error(let title, let message):
            return error(title: title, message: message)
        case .graph(let graph):
            return "<figure class=\"c graph\">\n" + GraphSVG.svg(graph) + "\n</figure>\n"
        }
    }

    private static func heading(_ title: String?) -> String {
        guard let title, !title.isEmpty else { return "" }
        return "<h2>" + HTMLText.escape(title) + "</h2>\n"
    }

    private static func error(title: String, message: String) -> String {
        "<section class=\"c error\" role=\"alert\">\n<h2>" + HTMLText.escape(title) + "</h2>\n<pre>"
            + HTMLText.escape(message) + "</pre>\n</section>\n"
    }

    /// Header cells, then each row padded to the widest row; a column whose
    /// every non-empty cell is a number is aligned right, its header too.
    private static func table(_ table: CardTable) -> String {
        let width = Swift.max(table.columns.count, table.rows.map(\.count).max() ?? 0)
        let numeric = (0..<width).map { column in
            var any = false
            for row in table.rows where column < row.count && !row[column].isEmpty {
                guard looksNumeric(row[column]) else { return false }
                any = true
            }
            return any
        }
        var out = "<section class=\"c table\">\n" + heading(table.title) + "<div class=\"scroll\"><table>\n"
        if !table.columns.isEmpty {
            out += "<thead><tr>"
            for column in 0..<width {
                out += numeric[column] ? "<th class=\"num\">" : "<th>"
                out += HTMLText.escape(column < table.columns.count ? table.columns[column] : "") + "</th>"
            }
            out += "</tr></thead>\n"
        }
        out += "<tbody>\n"
        for row in table.rows {
            out += "<tr>"
            for column in 0..<width {
                out += numeric[column] ? "<td class=\"num\">" : "<td>"
                out += HTMLText.escape(column < row.count ? row[column] : "") + "</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n</section>\n"
    }

    /// `12`, `-0.5`, `1e-3`, `12 345`, `4.2%`: what reads best aligned right.
    static func looksNumeric(_ cell: String) -> Bool {
        var s = Substring(cell)
        if s.hasSuffix("%") { s = s.dropLast() }
        let digits = s.filter { $0 != " " && $0 != "," }
        return !digits.isEmpty && Double(digits) != nil && digits.contains { $0.isNumber }
    }

    private static func image(_ image: CardImage, index: Int) -> String {
        guard let format = image.format else {
            let start = image.bytes.prefix(4).map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return hex.count == 1 ? "0" + hex : hex
            }.joined(separator: " ")
            let what = image.bytes.isEmpty ? "no bytes" : "\(NumberText.count(image.bytes.count)) bytes starting \(start)"
            let caption = image.caption.map { " (\($0))" } ?? ""
            return error(title: "Image not shown", message: "This image\(caption) is not a PNG or JPEG: \(what).")
        }
        let alt = image.caption ?? "image"
        var out = "<figure class=\"c image\">\n<img data-spindle-image=\"\(index)\" src=\"data:\(format.mimeType);base64,"
        out += Base64.encode(image.bytes) + "\" alt=\"" + HTMLText.attribute(alt) + "\">\n"
        if let caption = image.caption, !caption.isEmpty {
            out += "<figcaption>" + HTMLText.escape(caption) + "</figcaption>\n"
        }
        return out + "</figure>\n"
    }

    /// A labelled `<progress>` bar: `done / total · 30%`. A total that is not
    /// a positive number shows an empty bar and the numbers as given.
    private static func progress(label: String, done: Double, total: Double) -> String {
        let valid = total.isFinite && total > 0 && done.isFinite
        let fraction = valid ? Swift.min(1, Swift.max(0, done / total)) : 0
        let percent = SVGNumber.fixed(fraction * 100, decimals: fraction * 100 < 10 ? 1 : 0)
        let numbers = NumberText.short(done) + " / " + NumberText.short(total) + (valid ? " · " + percent + "%" : "")
        return "<section class=\"c progress\">\n<div class=\"progress-label\"><span>" + HTMLText.escape(label)
            + "</span><span class=\"progress-value\">" + HTMLText.escape(numbers) + "</span></div>\n"
            + "<progress value=\"" + SVGNumber.fixed(fraction, decimals: 4) + "\" max=\"1\">" + percent + "%</progress>\n</section>\n"
    }
}
