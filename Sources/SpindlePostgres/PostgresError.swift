import Foundation

/// What went wrong talking to PostgreSQL, with the server's own words.
enum PostgresError: Error, CustomStringConvertible {
    /// libpq could not be loaded.
    case noLibrary(String)
    /// The server could not be reached, or refused the connection.
    case cannotConnect(String, String)
    /// A statement failed; `sqlstate` is PostgreSQL's error code.
    case statement(message: String, sqlstate: String?, connectionLost: Bool)

    var connectionLost: Bool {
        switch self {
        case .noLibrary: return false
        case .cannotConnect: return true
        case .statement(_, let state, let lost): return lost || (state?.hasPrefix("08") ?? false) || state == "57P01"
        }
    }

    /// Whether running the transaction again may succeed: a serialization
    /// failure, a deadlock, or a unique key taken by a concurrent writer
    /// (two runs numbering themselves at once).
    var isRetryable: Bool {
        guard case .statement(_, let state?, _) = self else { return false }
        return ["40001", "40P01", "23505"].contains(state)
    }

    var description: String {
        switch self {
        case .noLibrary(let why):
            return "the shared store needs libpq, PostgreSQL's client library (apt-get install libpq5): \(why)"
        case .cannotConnect(let location, let why):
            return "cannot connect to PostgreSQL at \(location): \(why.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .statement(let message, let state, _):
            return "PostgreSQL: \(message)" + (state.map { " (SQLSTATE \($0))" } ?? "")
        }
    }
}
