import Core
import Foundation
import Logging
import SQLKit

/// Applies numbered migrations once, recording each in `schema_migrations`.
///
/// Safe with several processes starting at once on PostgreSQL: the whole run holds an advisory
/// transaction lock, so one node migrates and the others find the work done.
public struct Migrator: Sendable {
    /// Every migration the platform knows, in order; modules append theirs in later issues.
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "duplicate migration version")
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies what is missing and returns the versions it applied.
    @discardableResult
    public func migrate(_ database: Database, logger: Logger, clock: Clock = .system) async throws -> [Int] {
        let migrations = self.migrations
        let engine = database.engine
        return try await database.transaction { sql in
            if engine == .postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: Self.lockKey))").run()
            }
            try await sql.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            let applied = Set(
                try await sql.raw("SELECT version FROM schema_migrations").all().map {
                    try $0.decode(column: "version", as: Int.self)
                })
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements(for: engine) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: clock.seconds))"
                ).run()
                logger.info(
                    "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }

    /// Versions already applied, in order.
    public func appliedVersions(_ database: Database) async throws -> [Int] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT version FROM schema_migrations ORDER BY version").all().map {
                try $0.decode(column: "version", as: Int.self)
            }
        }
    }

    /// Arbitrary constant shared by every node; names the migration lock.
    static let lockKey = 7_346_201_702
}
