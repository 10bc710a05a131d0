/// How a string is written between double quotes: the one escaper for JSON
/// (`\u001b`) and for the Swift-like literals people read and type
/// (`\u{1b}`); they differ only in how a control character is spelled.
enum StringEscaping {
    /// How a control character without a short escape is written.
    enum Control {
        case json    // \u001b
        case swift   // \u{1b}
    }

    /// `s`'s characters with `"`, `\`, newlines, tabs and control characters escaped (no quotes added).
    static func escaped(_ s: String, control: Control) -> String {
        var out = ""
        append(s, to: &out, control: control)
        return out
    }

    /// Appends `s` escaped to `out`.
    static func append(_ s: String, to out: inout String, control: Control) {
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                guard ch.value < 0x20 else { out.unicodeScalars.append(ch); continue }
                let hex = String(ch.value, radix: 16)
                switch control {
                case .json: out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                case .swift: out += "\\u{\(hex)}"
                }
            }
        }
    }
}
