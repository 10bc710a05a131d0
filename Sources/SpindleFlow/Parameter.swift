import SpindleValue

/// A typed run parameter with a default, set on the command line as
/// `--name value` and read in a step with `task.parameter("name")`.
///
/// ```swift
/// Parameter("epochs", default: 20, help: "passes over the ratings")
/// ```
public struct Parameter: FlowComponent, Sendable {
    /// The type of a parameter's values.
    public enum Kind: String, Sendable {
        case int = "Int", double = "Double", string = "String", bool = "Bool"
    }

    public let name: String
    public let kind: Kind
    public let defaultValue: Value
    public let help: String

    public init(_ name: String, default value: Int, help: String = "") {
        self.name = name; kind = .int; defaultValue = .int(Int64(value)); self.help = help
    }
    public init(_ name: String, default value: Double, help: String = "") {
        self.name = name; kind = .double; defaultValue = .double(value); self.help = help
    }
    public init(_ name: String, default value: String, help: String = "") {
        self.name = name; kind = .string; defaultValue = .string(value); self.help = help
    }
    public init(_ name: String, default value: Bool, help: String = "") {
        self.name = name; kind = .bool; defaultValue = .bool(value); self.help = help
    }

    /// The value `text` gives this parameter, or an error saying what was expected.
    public func parse(_ text: String) throws(FlowError) -> Value {
        switch kind {
        case .int:
            guard let i = Int64(text) else { throw .badParameter(name: name, value: text, expected: "an integer") }
            return .int(i)
        case .double:
            guard let d = Double(text), !text.isEmpty else { throw .badParameter(name: name, value: text, expected: "a number") }
            return .double(d)
        case .string:
            return .string(text)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw .badParameter(name: name, value: text, expected: "true or false")
            }
        }
    }

    /// Converts a value (from a resumed run or an override) to this parameter's type when lossless.
    public func coerce(_ v: Value) throws(FlowError) -> Value {
        switch (kind, v) {
        case (.int, .int), (.double, .double), (.string, .string), (.bool, .bool): return v
        case (.double, .int(let i)): return .double(Double(i))
        case (.int, .double(let d)) where d.rounded() == d && abs(d) < 9e18: return .int(Int64(d))
        default: throw .badParameter(name: name, value: v.summary(width: 40), expected: "a value of type \(kind.rawValue)")
        }
    }
}
