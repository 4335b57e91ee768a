import SQLKit

/// One numbered, forward-only change to the schema.
///
/// Statements are written in the SQL that SQLite and PostgreSQL share; where they differ, give
/// `postgres` statements too and they replace `statements` on that engine.
public struct Migration: Sendable {
    /// Position in the order of application; never reuse or renumber one that has shipped.
    public var version: Int
    /// What it does, recorded beside the version.
    public var name: String
    /// Portable statements, run in order in one transaction.
    public var statements: [String]
    /// PostgreSQL-only replacements, when the portable form will not do.
    public var postgres: [String]?

    public init(version: Int, name: String, statements: [String], postgres: [String]? = nil) {
        self.version = version
        self.name = name
        self.statements = statements
        self.postgres = postgres
    }

    func statements(for engine: DatabaseEngine) -> [String] {
        engine == .postgres ? (postgres ?? statements) : statements
    }
}
