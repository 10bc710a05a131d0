import Foundation

extension Value {
    /// Reads JSON text (the form ``jsonText(pretty:)`` writes): numbers come
    /// back as `int` when integral and `double` otherwise, arrays as arrays,
    /// objects as objects. The strings `"NaN"` and `"Infinity"` stay strings.
    /// For values people type, with Swift-like literals too, the shell
    /// language's `Literal.parse` is the reader.
    public init(jsonText text: String) throws {
        self = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}
