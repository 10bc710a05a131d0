import Foundation

/// The few parts of S3's XML answers the client reads (errors, listings,
/// multipart uploads), found by element name. S3's answers are flat and
/// machine-written; a general XML parser (FoundationXML, libxml2) would cost
/// every process that loads the client another library.
enum S3XML {
    /// The text of every `<name>…</name>` in `xml`, unescaped, in order.
    static func values(_ name: String, in xml: Substring) -> [String] {
        elements(name, in: xml).map { unescape($0) }
    }

    /// The text of the first `<name>…</name>` in `xml`, unescaped.
    static func value(_ name: String, in xml: Substring) -> String? {
        elements(name, in: xml).first.map { unescape($0) }
    }

    /// The raw contents of every `<name>…</name>` (or `<name attr="…">…`) in `xml`.
    static func elements(_ name: String, in xml: Substring) -> [Substring] {
        var out: [Substring] = []
        var rest = xml
        let close = "</\(name)>"
        while let open = rest.range(of: "<\(name)") {
            // The name must end there: `<Key>` is not `<KeyMarker>`.
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let between = rest[open.upperBound..<tagEnd]
            if let first = between.first, first != " ", first != "/" {
                rest = rest[open.upperBound...]
                continue
            }
            if between.last == "/" {  // <name/>: empty
                out.append(rest[tagEnd..<tagEnd])
                rest = rest[rest.index(after: tagEnd)...]
                continue
            }
            let contentStart = rest.index(after: tagEnd)
            guard let end = rest[contentStart...].range(of: close) else { break }
            out.append(rest[contentStart..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// XML's five named entities and numeric character references.
    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let scalar, let u = Unicode.Scalar(scalar) { out.unicodeScalars.append(u) } else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// `text` with XML's special characters escaped, for a request body.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// The two date forms S3 writes: ISO 8601 in listings, RFC 1123 in headers.
enum S3Date {
    /// `2026-11-30T05:26:58.000Z` (fractions optional).
    static func iso8601(_ text: String) -> Date? {
        let digits = text.utf8.map { $0 }
        func number(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= digits.count else { return nil }
            var n = 0
            for b in digits[at..<at + count] {
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard digits.count >= 20, let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2) else { return nil }
        var fraction = 0.0
        if digits.count > 20, digits[19] == UInt8(ascii: ".") {
            var scale = 0.1
            for b in digits[20...] where b >= 48 && b <= 57 {
                fraction += Double(b - 48) * scale
                scale /= 10
            }
        }
        return date(y, mo, d, h, mi, s).map { $0.addingTimeInterval(fraction) }
    }

    /// `Mon, 30 Nov 2026 05:26:58 GMT`.
    static func rfc1123(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, let d = Int(fields[1]), let y = Int(fields[3]),
              let mo = months.firstIndex(of: String(fields[2])) else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        return date(y, mo + 1, d, clock[0], clock[1], clock[2])
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func date(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(y - 1900)
        parts.tm_mon = Int32(mo - 1)
        parts.tm_mday = Int32(d)
        parts.tm_hour = Int32(h)
        parts.tm_min = Int32(mi)
        parts.tm_sec = Int32(s)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
