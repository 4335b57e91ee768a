import Storage

/// Demo seeding that runs once although several nodes start together on one database.
///
/// A check such as "no consultations yet" is not enough: nodes that start at the same moment all
/// see the empty table and all seed it, so the demo shows everything twice or a node stops on a
/// conflict. The first node to claim the flag seeds; the others go on without waiting for it.
public enum SeedOnce {
    /// Runs `seed` if this node is the first to claim `flag`, and returns what it returned (false
    /// when another node claimed the flag). If `seed` throws, the flag is cleared so that the next
    /// start tries again rather than leave half a demo behind a "done" flag.
    public static func run(_ flag: String, in database: Database, _ seed: () async throws -> Bool)
        async throws -> Bool
    {
        let engine = database.engine
        let claimed = try await database.transaction { sql in
            try await SQLIdentityStore.claimFlag(flag, value: "claimed", lockIf: engine, on: sql)
        }
        guard claimed else { return false }
        do {
            return try await seed()
        } catch {
            try? await database.withConnection { sql in try await SQLIdentityStore.clearFlag(flag, on: sql) }
            throw error
        }
    }
}
