import Core
import Storage
import TestSupport
import Testing

@testable import App
@testable import Web

/// Tables that changed owner keep working in databases made before the change.
@Suite struct MigrationUpgradeTests {
    @Test(arguments: TestEngine.available)
    func aDatabaseWhoseOutboxAndRelationsOtherModulesCreatedStillMigrates(engine: TestEngine) async throws {
        // The platform as it was: the outbox created by the services module (500) and person
        // relations by the workflow module (400), before Storage (11) and Registries (301) owned them.
        let moved: Set<Int> = [11, 301]
        let before = Platform.migrator.migrations.filter { !moved.contains($0.version) && $0.version <= 500 }
        try await engine.withDatabase(migrations: before) { database in
            try await database.withConnection { sql in
                try await sql.raw(
                    """
                    CREATE TABLE outbox (id TEXT PRIMARY KEY, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
                      body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
                      created_at BIGINT NOT NULL, sent_at BIGINT)
                    """
                ).run()
                try await sql.raw(
                    "CREATE TABLE person_relations (pin_a TEXT NOT NULL, pin_b TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (pin_a, pin_b))"
                ).run()
                try await sql.raw("INSERT INTO person_relations VALUES ('a', 'b', 'parent')").run()
            }
            let applied = try await Platform.migrator.migrate(database, logger: TestLog.quiet)
            #expect(applied.contains(11) && applied.contains(301))
            let kept = try await database.withConnection { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM person_relations").first(decodingColumn: "n", as: Int.self)
            }
            #expect(kept == 1)
        }
    }
}
