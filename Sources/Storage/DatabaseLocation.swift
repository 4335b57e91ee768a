import Core

/// Where the data lives, parsed from `--database-url` / `TAZAKOOM_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    /// An SQLite file (WAL mode), the embedded default.
    case sqliteFile(path: String)
    /// A throwaway SQLite database for tests, private to this process.
    case sqliteMemory
    /// A PostgreSQL server, `postgres://user:pass@host:port/db`.
    case postgres(url: String)

    /// Accepts `postgres://…`, `postgresql://…`, `sqlite:PATH`, `sqlite::memory:`, `:memory:` or a plain path.
    public init(_ text: String) throws(DatabaseLocationError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { throw DatabaseLocationError(text: text) }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if trimmed == ":memory:" || trimmed == "sqlite::memory:" {
            self = .sqliteMemory
        } else if trimmed.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count)).replacingPrefix("//", with: "")
            guard !path.isEmpty else { throw DatabaseLocationError(text: text) }
            self = .sqliteFile(path: path)
        } else if trimmed.contains("://") {
            throw DatabaseLocationError(text: text)
        } else {
            self = .sqliteFile(path: trimmed)
        }
    }

    /// Which SQL engine this location uses.
    public var engine: DatabaseEngine {
        if case .postgres = self { return .postgres }
        return .sqlite
    }

    /// The location with any password replaced, safe for logs.
    public var redacted: String {
        switch self {
        case .sqliteFile(let path): return "sqlite:\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            guard let (colon, at) = Self.password(in: url) else { return url }
            return String(url[..<colon]) + ":***" + String(url[at...])
        }
    }

    /// Whether the location holds a password (only a PostgreSQL URL can).
    public var carriesPassword: Bool {
        if case .postgres(let url) = self { return Self.password(in: url) != nil }
        return false
    }

    /// Where the password of `scheme://user:password@host…` starts (its colon) and ends (the `@`).
    private static func password(in url: String) -> (colon: String.Index, at: String.Index)? {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return nil }
        guard let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return nil }
        return (colon, at)
    }
}

/// The SQL engines the platform runs on; SQL that only one supports is written for each.
public enum DatabaseEngine: String, Sendable {
    case sqlite, postgres
}

/// A database URL that names no engine we support.
public struct DatabaseLocationError: Error, CustomStringConvertible {
    /// What was given.
    public var text: String
    public var description: String {
        "unsupported database URL '\(text)': use postgres://user:pass@host:port/db, sqlite:PATH or a file path"
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
