import SpindleValue
import Foundation
import MCP
import SpindleStore

/// One argument of a tool: its name, what it takes, and words for the
/// assistant. The same declaration makes the tool's JSON Schema and checks
/// each call, so what the schema says is what the server accepts.
struct ToolArgument: Sendable {
    enum Kind: Sendable {
        case string
        /// One of these strings.
        case choice([String])
        case integer(ClosedRange<Int>)
        /// A number at least 0.
        case nonNegativeNumber
        case boolean
        case object
        /// A run id: a positive integer, or a string ("3", "latest").
        case run
        /// A split: an integer at least 0, or an array of them (outer first).
        case index
    }

    let name: String
    let kind: Kind
    let description: String
    var required = false

    var schema: MCP.Value {
        var o: [String: MCP.Value] = ["description": .string(description)]
        switch kind {
        case .string: o["type"] = "string"
        case .choice(let values):
            o["type"] = "string"
            o["enum"] = .array(values.map { .string($0) })
        case .integer(let range):
            o["type"] = "integer"
            o["minimum"] = .int(range.lowerBound)
            o["maximum"] = .int(range.upperBound)
        case .nonNegativeNumber:
            o["type"] = "number"
            o["minimum"] = .int(0)
        case .boolean: o["type"] = "boolean"
        case .object: o["type"] = "object"
        case .run: o["type"] = .array(["string", "integer"])
        case .index:
            o["type"] = .array(["integer", "array"])
            o["minimum"] = .int(0)
            o["items"] = .object(["type": "integer", "minimum": .int(0)])
            o["minItems"] = .int(1)
        }
        return .object(o)
    }

    /// What the argument must be, in words, for messages.
    var expected: String {
        switch kind {
        case .string: "a non-empty string"
        case .choice(let values): values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .integer(let r): "an integer \(r.lowerBound)…\(r.upperBound)"
        case .nonNegativeNumber: "a number at least 0"
        case .boolean: "true or false"
        case .object: "an object"
        case .run: "a run number (like 3 or \"3\"), \"latest\", or a shared store's run (like \"prod:42\")"
        case .index: "an integer at least 0, or an array of them (outer split first)"
        }
    }

    /// Checks `value`; throws a message naming the argument when it does not fit.
    func check(_ value: MCP.Value, tool: String) throws {
        func refuse() -> ToolError {
            ToolError("argument '\(name)' of \(tool) must be \(expected), not \(ToolArgument.describe(value)): \(description)")
        }
        switch kind {
        case .string:
            guard case .string(let s) = value, !s.isEmpty else { throw refuse() }
        case .choice(let values):
            guard case .string(let s) = value, values.contains(s) else { throw refuse() }
        case .integer(let range):
            guard let i = ToolArgument.integer(value), range.contains(i) else { throw refuse() }
        case .nonNegativeNumber:
            guard let d = ToolArgument.number(value), d.isFinite, d >= 0 else { throw refuse() }
        case .boolean:
            guard case .bool = value else { throw refuse() }
        case .object:
            guard case .object = value else { throw refuse() }
        case .run:
            switch value {
            case .int(let i) where i > 0: break
            case .string(let s) where !s.isEmpty: break
            default: throw refuse()
            }
        case .index:
            switch value {
            case .int(let i) where i >= 0: break
            case .array(let a) where !a.isEmpty && a.allSatisfy({ ToolArgument.integer($0).map { $0 >= 0 } ?? false }): break
            default:
                if let i = ToolArgument.integer(value), i >= 0 { break }
                throw refuse()
            }
        }
    }

    /// An integer, also from a JSON number written with a fraction of zero (3.0).
    static func integer(_ v: MCP.Value) -> Int? {
        switch v {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        default: nil
        }
    }

    static func number(_ v: MCP.Value) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// A value as a message shows it: its kind, and a short excerpt.
    static func describe(_ v: MCP.Value) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "the number \(i)"
        case .double(let d): "the number \(d)"
        case .string(let s): s.isEmpty ? "an empty string" : "the string \(quoted(s))"
        case .array(let a): "an array of \(a.count)"
        case .object(let o): "an object of \(o.count) member\(o.count == 1 ? "" : "s")"
        default: "a value of another kind"
        }
    }
}

/// A tool: its name, when to use it, and its arguments.
struct ToolSpec: Sendable {
    let name: String
    let description: String
    let arguments: [ToolArgument]

    var tool: Tool {
        Tool(name: name, description: description,
             inputSchema: .object([
                "type": "object",
                "properties": .object(Dictionary(uniqueKeysWithValues: arguments.map { ($0.name, $0.schema) })),
                "required": .array(arguments.filter(\.required).map { .string($0.name) }),
                "additionalProperties": false,
             ]))
    }

    /// Checks a call's arguments against the declarations: no unknown names,
    /// every required one there, each of its kind. A null is taken as absent.
    func validate(_ given: [String: MCP.Value]) throws -> Arguments {
        let names = arguments.map(\.name)
        for key in given.keys.sorted() where !names.contains(key) {
            let hint = Suggestion.hint(Store.nearest(key, in: names))
            let list = names.isEmpty ? "it takes none" : "it takes " + names.joined(separator: ", ")
            throw ToolError("\(name) has no argument \(named(key))\(hint); \(list)")
        }
        var values: [String: MCP.Value] = [:]
        for a in arguments {
            guard let v = given[a.name], v != .null else {
                if a.required { throw ToolError("missing argument '\(a.name)' of \(name): \(a.description)") }
                continue
            }
            try a.check(v, tool: name)
            values[a.name] = v
        }
        return Arguments(values: values)
    }
}

/// A call's arguments, checked against their tool's declarations.
struct Arguments: Sendable {
    let values: [String: MCP.Value]

    func string(_ key: String) -> String? { values[key]?.stringValue }
    func int(_ key: String) -> Int? { values[key].flatMap(ToolArgument.integer) }
    func number(_ key: String) -> Double? { values[key].flatMap(ToolArgument.number) }
    func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// A run argument as text ("3", "latest", …).
    func run(_ key: String) -> String? {
        switch values[key] {
        case .int(let i)?: String(i)
        case .string(let s)?: s
        default: nil
        }
    }

    /// A split argument as its indices, outer first.
    func index(_ key: String) -> [Int]? {
        switch values[key] {
        case .array(let a)?: a.compactMap(ToolArgument.integer)
        case let v?: ToolArgument.integer(v).map { [$0] }
        default: nil
        }
    }

    /// A required string (the declarations have made sure it is there).
    func required(_ key: String) throws -> String {
        guard let s = string(key) else { throw ToolError("missing argument '\(key)'") }
        return s
    }
}

/// Why a tool call was refused, in words for the assistant.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A name as messages show it: in single quotes, shortened when long.
func named(_ s: String) -> String {
    s.count > 80 ? "'\(s.prefix(40))…' (\(s.count) characters)" : "'\(s)'"
}

/// `s` in double quotes, shortened to its first and last characters when long,
/// so that no message repeats a large argument.
func quoted(_ s: String, limit: Int = 80) -> String {
    guard s.count > limit else { return "\"\(s)\"" }
    return "\"\(s.prefix(limit / 2))…\(s.suffix(limit / 4))\" (\(s.count) characters)"
}
