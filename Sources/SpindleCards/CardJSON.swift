import Foundation

/// A card as the JSON a page carries: keys sorted (the same card gives the
/// same bytes), NaN and ±infinity as the strings `"nan"`, `"inf"`, `"-inf"`
/// (JSON has no such numbers), and `<`, `>`, `&` written `\u003c`, `\u003e`,
/// `\u0026` so that no string in it can end the `<script>` element it sits
/// in (`</script>`) or open a comment (`<!--`).
enum CardJSON {
    static func encoded(_ card: Card) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every value in a card encodes; a failure would be a bug here, and a
        // page without its data is still a page.
        guard let data = try? encoder.encode(card) else { return "null" }
        var out = ""
        out.reserveCapacity(data.count + 64)
        var plain = true
        for byte in data where byte == 0x3C || byte == 0x3E || byte == 0x26 { plain = false; break }
        if plain { return String(decoding: data, as: UTF8.self) }
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func decoded(_ text: Substring) -> Card? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(Card.self, from: Data(text.utf8))
    }
}
