import Foundation
import OrderedCollections
import SpindleValue

/// YAML for a value in block style, as Kubernetes manifests are written:
/// keys plain where YAML allows, every string double-quoted (JSON's escapes,
/// which YAML reads the same), so that no string is read back as a number,
/// a boolean or null.
enum YAMLText {
    static func render(_ value: Value) -> String {
        var out = ""
        emit(value, indent: 0, into: &out, inline: false)
        return out
    }

    private static func scalar(_ v: Value) -> String? {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : (d.isNaN ? ".nan" : (d > 0 ? ".inf" : "-.inf"))
        case .string(let s): return quoted(s)
        case .object(let o) where o.isEmpty: return "{}"
        case .array(let a) where a.isEmpty: return "[]"
        default: return nil
        }
    }

    static func quoted(_ s: String) -> String { Value.string(s).jsonText() }

    private static func key(_ k: String) -> String {
        let plain = k.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./".unicodeScalars.contains($0) }
        return plain && !k.isEmpty ? k : quoted(k)
    }

    private static func emit(_ value: Value, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let o) where !o.isEmpty:
            var first = true
            for (k, v) in o {
                if !(first && inline) { out += pad }
                first = false
                if let s = scalar(v) {
                    out += "\(key(k)): \(s)\n"
                } else if case .array = v {
                    out += "\(key(k)):\n"
                    emit(v, indent: indent, into: &out, inline: false)
                } else {
                    out += "\(key(k)):\n"
                    emit(v, indent: indent + 2, into: &out, inline: false)
                }
            }
        case .array(let a) where !a.isEmpty:
            for v in a {
                out += pad + "- "
                if let s = scalar(v) {
                    out += s + "\n"
                } else {
                    emit(v, indent: indent + 2, into: &out, inline: true)
                }
            }
        default:
            out += pad + (scalar(value) ?? "null") + "\n"
        }
    }
}
