/// An error from building or reshaping a value.
public enum ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape whose product is not the element count.
    case shapeMismatch(shape: [Int], count: Int)

    public var description: String {
        switch self {
        case .shapeMismatch(let shape, let count):
            "shape [\(shape.map(String.init).joined(separator: ", "))] does not hold \(count) elements"
        }
    }
}
