import Foundation

extension CardPage {
    /// The card a page made by `html(_:refresh:)` carries, read from its
    /// JSON, with each image's bytes taken back from its `<img>`: what the
    /// terminal shell and the MCP server show of a card without a browser.
    /// nil when `html` is not such a page (no data block, or data that is
    /// not a card).
    public static func components(in html: String) -> Card? {
        guard let open = html.range(of: dataOpen),
              let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex),
              var card = CardJSON.decoded(html[open.upperBound..<close.lowerBound]) else { return nil }
        for (i, component) in card.components.enumerated() {
            guard case .image(var image) = component, image.bytes.isEmpty,
                  let bytes = imageBytes(index: i, in: html) else { continue }
            image.bytes = bytes
            card.components[i] = .image(image)
        }
        return card
    }

    /// The bytes in the `data:` URI of the `<img>` drawn for component
    /// `index`. Only a tag the page wrote can match: text from a card has
    /// its `<` escaped.
    private static func imageBytes(index: Int, in html: String) -> [UInt8]? {
        guard let tag = html.range(of: "<img data-spindle-image=\"\(index)\" src=\"data:"),
              let comma = html.range(of: ";base64,", range: tag.upperBound..<html.endIndex),
              let quote = html.range(of: "\"", range: comma.upperBound..<html.endIndex) else { return nil }
        return Base64.decode(String(html[comma.upperBound..<quote.lowerBound]))
    }
}
