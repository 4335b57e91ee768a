import Identity
import Storage
import TestSupport
import Testing

/// Nodes that start together on one database seed the demo once, and a seeding that fails is tried again.
struct SeedOnceTests {
    @Test(arguments: TestEngine.available)
    func nodesStartingTogetherSeedOnce(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: IdentityMigrations.all) { database in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await SeedOnce.run("demo_test_seeded", in: database) {
                            // Every node has checked "is it empty?" before the first one is done.
                            try await Task.sleep(for: .milliseconds(100))
                            return true
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1, "one node seeded: \(results)")
        }
    }

    @Test(arguments: TestEngine.available)
    func aSeedingThatFailsIsTriedAgainOnTheNextStart(engine: TestEngine) async throws {
        struct Interrupted: Error {}
        try await engine.withDatabase(migrations: IdentityMigrations.all) { database in
            await #expect(throws: Interrupted.self) {
                try await SeedOnce.run("demo_test_seeded", in: database) { throw Interrupted() }
            }
            let retried = try await SeedOnce.run("demo_test_seeded", in: database) { true }
            let again = try await SeedOnce.run("demo_test_seeded", in: database) { true }
            #expect(retried && !again)
        }
    }
}
