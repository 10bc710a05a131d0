import Foundation

/// JSON export of values.
///
/// The mapping, for tools that read it back:
/// - null, booleans, integers, strings, arrays and objects are themselves (key order kept);
/// - finite doubles are JSON numbers in their shortest exact form, always with a
///   `.` or exponent so they read back as doubles (`3.0`, `1e-05`);
/// - NaN and the infinities, which JSON cannot write, are the strings `"NaN"`,
///   `"Infinity"` and `"-Infinity"`;
/// - bytes are a base64 string;
/// - numeric arrays are (nested, by shape) JSON arrays of their elements.
extension Value {
    /// This value as JSON text; `pretty` indents by two spaces.
    public func jsonText(pretty: Bool = false) -> String {
        var out = ""
        writeJSON(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func writeJSON(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Value.jsonNumber(d)
        case .string(let s): Value.writeJSONString(s, into: &out)
        case .bytes(let d): Value.writeJSONString(d.base64EncodedString(), into: &out)
        case .array(let a):
            Value.writeJSONList(a.count, into: &out, open: "[", close: "]", pretty: pretty, indent: indent) { i, out in
                a[i].writeJSON(into: &out, pretty: pretty, indent: indent + 1)
            }
        case .object(let o):
            let entries = Array(o)
            Value.writeJSONList(entries.count, into: &out, open: "{", close: "}", pretty: pretty, indent: indent) { i, out in
                Value.writeJSONString(entries[i].key, into: &out)
                out += pretty ? ": " : ":"
                entries[i].value.writeJSON(into: &out, pretty: pretty, indent: indent + 1)
            }
        case .numeric(let n):
            Value.writeNumeric(n, dims: n.shape[...], offset: 0, into: &out)
        }
    }

    static func writeNumeric(_ n: NumericArray, dims: ArraySlice<Int>, offset: Int, into out: inout String) {
        out += "["
        guard let extent = dims.first else { out += "]"; return }
        let inner = dims.dropFirst()
        let stride = inner.reduce(1, *)
        for i in 0..<extent {
            if i > 0 { out += "," }
            if inner.isEmpty {
                let v = n.storage.scalar(at: offset + i)
                if case .double(let d) = v { out += jsonNumber(d) } else { out += v.summary() }
            } else {
                writeNumeric(n, dims: inner, offset: offset + i * stride, into: &out)
            }
        }
        out += "]"
    }

    /// A double as JSON: a number that reads back as a double, or a string for NaN and infinities.
    static func jsonNumber(_ d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return "\(d)"
    }

    static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        StringEscaping.append(s, to: &out, control: .json)
        out += "\""
    }

    static func writeJSONList(_ count: Int, into out: inout String, open: String, close: String, pretty: Bool,
                              indent: Int, element: (Int, inout String) -> Void) {
        out += open
        guard count > 0 else { out += close; return }
        let pad = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        for i in 0..<count {
            if i > 0 { out += "," }
            out += pad
            element(i, &out)
        }
        if pretty { out += "\n" + String(repeating: "  ", count: indent) }
        out += close
    }
}
