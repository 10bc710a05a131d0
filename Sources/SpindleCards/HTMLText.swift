/// Escaping for text placed into HTML and SVG. Every string that reaches a
/// card page or an SVG from outside (titles, cells, names, log lines) goes
/// through one of these two, so no string can open a tag or an attribute.
///
/// C0 control characters other than tab, line feed and carriage return
/// become U+FFFD: XML forbids them, and the SVGs must parse as XML when saved
/// on their own.
public enum HTMLText {
    /// Text for an element's content: `&`, `<` and `>` become entities.
    public static func escape(_ s: String) -> String {
        escaped(s, quotes: false)
    }

    /// Text for a double-quoted or single-quoted attribute value: `&`, `<`,
    /// `>`, `"` and `'` become entities.
    public static func attribute(_ s: String) -> String {
        escaped(s, quotes: true)
    }

    private static func escaped(_ s: String, quotes: Bool) -> String {
        // Most strings need nothing: return them without building a new one.
        var clean = true
        for b in s.utf8 where b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || (quotes && (b == 0x22 || b == 0x27)) {
            if b < 0x20 && (b == 0x09 || b == 0x0A || b == 0x0D) { continue }
            clean = false
            break
        }
        if clean { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
