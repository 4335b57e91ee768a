import SQLKit

/// Rate limits per person, counted in the writing transaction so that two requests at once cannot
/// both pass: each table that takes people's writes keeps a hash of the writer's PIN and the time.
enum SQLRateLimitStore {
    /// Throws `ParticipationError.tooMany` when `key` wrote `limit.count` rows of `table` since
    /// `limit.since` (`column` holds the writer's key).
    static func check(
        _ table: String, _ column: String, key: String, limit: (count: Int, since: Int), on sql: any SQLDatabase
    ) async throws {
        let recent =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(ident: column) = \(bind: key)
                  AND created_at >= \(bind: limit.since)
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        guard recent < limit.count else { throw ParticipationError.tooMany }
    }
}
