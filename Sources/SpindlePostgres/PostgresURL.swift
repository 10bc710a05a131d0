import Foundation

/// A `postgres://user@host:port/database?options` URL naming a shared
/// store's database, checked before libpq sees it.
///
/// A password in the URL is refused: URLs are typed on command lines, kept in
/// project files and shown in messages. libpq reads the password from
/// `PGPASSWORD` or `~/.pgpass` instead.
struct PostgresURL: Sendable {
    /// What libpq connects with: the URL plus a connection timeout and an
    /// application name, unless the URL sets them.
    let connectionString: String
    /// The URL without its query: safe to print.
    let location: String

    init(_ text: String) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw PostgresURLError("'\(text.prefix(80))' is not a postgres:// URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        if components.password != nil {
            var shown = components
            shown.password = nil
            throw PostgresURLError("""
                the URL \(shown.string ?? "postgres://…") carries a password; put it in PGPASSWORD or ~/.pgpass instead \
                (a URL ends up in shell history, project files and messages)
                """)
        }
        var shown = components
        shown.query = nil
        location = shown.string ?? "postgres://…"
        var query = components.queryItems ?? []
        if !query.contains(where: { $0.name == "connect_timeout" }) { query.append(.init(name: "connect_timeout", value: "10")) }
        if !query.contains(where: { $0.name == "application_name" }) { query.append(.init(name: "application_name", value: "spindle")) }
        // No GSSAPI-encryption probe (it loads Kerberos and asks the server first, on every connection
        // of every task process); a Kerberos site says gssencmode=prefer or require in its URL.
        if !query.contains(where: { $0.name == "gssencmode" }) { query.append(.init(name: "gssencmode", value: "disable")) }
        var full = components
        full.queryItems = query
        connectionString = full.string ?? text
    }
}

/// A postgres:// URL Spindle will not use, and why.
struct PostgresURLError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
