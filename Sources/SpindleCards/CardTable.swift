/// A table whose cells are already text: the caller formats numbers as it
/// wants them read (`0.031`, `12 345`), the card only lays them out. Every
/// row is padded with empty cells to the widest row (or to `columns`, when
/// that is wider).
public struct CardTable: Sendable, Codable, Equatable {
    public var title: String?
    public var columns: [String]
    public var rows: [[String]]

    public init(title: String? = nil, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }
}

/// One key/value row of a `facts` component (a parameter and its value, a
/// timing and its duration).
public struct CardFact: Sendable, Codable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
