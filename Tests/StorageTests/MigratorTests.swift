import Logging
import SQLKit
import Storage
import TestSupport
import Testing

@Suite struct MigratorTests {
    static let migrations = [
        Migration(
            version: 1, name: "notes", statements: ["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"]),
        Migration(version: 2, name: "tags", statements: ["CREATE TABLE tags (name TEXT PRIMARY KEY)"]),
    ]

    @Test(arguments: TestEngine.available)
    func appliesEachMigrationOnce(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: []) { database async throws in
            let migrator = Migrator(migrations: Self.migrations)
            #expect(try await migrator.migrate(database, logger: TestLog.quiet) == [1, 2])
            #expect(try await migrator.migrate(database, logger: TestLog.quiet) == [])
            #expect(try await migrator.appliedVersions(database) == [1, 2])
        }
    }

    @Test(arguments: TestEngine.available)
    func aFailingMigrationLeavesNothingBehind(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: []) { database async throws in
            let broken = Migrator(
                migrations: Self.migrations + [
                    Migration(
                        version: 3, name: "broken", statements: ["CREATE TABLE half (id INTEGER)", "THIS IS NOT SQL"])
                ])
            await #expect(throws: (any Error).self) { try await broken.migrate(database, logger: TestLog.quiet) }
            // The whole run is one transaction: not even versions 1 and 2 were kept, so they apply again.
            #expect(try await Migrator(migrations: Self.migrations).migrate(database, logger: TestLog.quiet) == [1, 2])
        }
    }

    @Test(arguments: TestEngine.available)
    func transactionsRollBackOnError(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: Self.migrations) { database async throws in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO notes (id, body) VALUES (1, 'kept?')").run()
                    throw Boom()
                }
            }
            let count = try await database.withConnection { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM notes").first(decodingColumn: "n", as: Int.self)
            }
            #expect(count == 0)
            #expect(await database.isReachable())
        }
    }
}

@Suite struct DatabaseLocationTests {
    @Test func parsesTheSupportedForms() throws {
        #expect(
            try DatabaseLocation("postgres://u:secret@db:5432/tk") == .postgres(url: "postgres://u:secret@db:5432/tk"))
        #expect(try DatabaseLocation("sqlite:data/tk.sqlite") == .sqliteFile(path: "data/tk.sqlite"))
        #expect(try DatabaseLocation("tk.sqlite") == .sqliteFile(path: "tk.sqlite"))
        #expect(try DatabaseLocation(":memory:") == .sqliteMemory)
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation("mysql://x/y") }
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation("  ") }
    }

    @Test func redactsPasswords() throws {
        #expect(try DatabaseLocation("postgres://u:secret@db:5432/tk").redacted == "postgres://u:***@db:5432/tk")
        #expect(try DatabaseLocation("postgres://u:secret@db:5432/tk").carriesPassword)
        #expect(try !DatabaseLocation("postgres://u@db:5432/tk").carriesPassword)
        #expect(try !DatabaseLocation("/var/lib/tk:1/tk.sqlite").carriesPassword, "a path is not a URL")
    }
}
