import SQLKit
import Storage

/// Counts across e-participation's tables, for the programme's indicators.
struct SQLParticipationStatisticsStore: Sendable {
    let database: Database

    func acts() async throws -> Int {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM participation_signatures) + (SELECT COUNT(*) FROM participation_ballots)
                  + (SELECT COUNT(*) FROM participation_comments) AS acts
                """
            ).first()?.decode(column: "acts", as: Int.self) ?? 0
        }
    }
}
