import SpindleValue

/// A line that parsed but cannot be evaluated, at the column of the part at fault.
public struct EvalError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let column: Int

    /// Whether the evaluation stopped because an ``Interruption`` asked it to (Ctrl-C), rather than at a mistake.
    public let isInterruption: Bool

    public init(_ message: String, column: Int) {
        self.init(message, column: column, isInterruption: false)
    }

    init(_ message: String, column: Int, isInterruption: Bool) {
        self.message = message
        self.column = column
        self.isInterruption = isInterruption
    }

    /// The error an evaluation stops with when interrupted, at the part it was evaluating.
    public static func interrupted(column: Int) -> EvalError {
        EvalError("interrupted", column: column, isInterruption: true)
    }

    public var description: String { message }

    /// The line with a caret under the column, then the message.
    /// A line longer than ``Caret/longLine`` characters is shown as a window around the column.
    public func pointing(at line: String, indent: String = "") -> String {
        Caret.pointing(at: line, column: column, message: message, indent: indent)
    }
}

/// The closest of `candidates` to `name`, when close enough to be a typo.
func nearest(_ name: String, in candidates: [String]) -> String? { Suggestion.nearest(name, in: candidates) }

func suggestion(_ name: String, _ candidates: [String]) -> String {
    Suggestion.hint(nearest(name, in: candidates))
}
