/// Renders a coding path the way a person would write the access:
/// `ratings.users[3].id`.
///
/// Keys with an integer value (array positions, `Int`-keyed dictionaries) are
/// written as `[n]`; the others as `.name`, with no leading dot at the start.
func renderCodingPath(root: String, _ path: [any CodingKey]) -> String {
    var out = root
    for key in path {
        if let i = key.intValue, key.stringValue == "Index \(i)" || key.stringValue == String(i) {
            out += "[\(i)]"
        } else {
            out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return out
}

/// A coding key for positions in arrays and for synthesised containers.
struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ i: Int) { intValue = i; stringValue = "Index \(i)" }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { intValue = nil; self.stringValue = stringValue }
}

/// The key `super`, for `superEncoder()` and `superDecoder()`.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) {}
    init?(intValue: Int) { nil }
}
