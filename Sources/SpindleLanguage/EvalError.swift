import SpindleValue

/// A line that parsed but cannot be evaluated, at the column of the part at fault.
public struct EvalError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { message }

    /// The line with a caret under the column, then the message.
    public func pointing(at line: String, indent: String = "") -> String {
        indent + line + "\n" + indent + String(repeating: " ", count: min(column, line.count)) + "^ " + message
    }
}

/// The closest of `candidates` to `name`, when close enough to be a typo.
func nearest(_ name: String, in candidates: [String]) -> String? { Suggestion.nearest(name, in: candidates) }

func suggestion(_ name: String, _ candidates: [String]) -> String {
    nearest(name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
