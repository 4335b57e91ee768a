import Core
import SQLKit

/// How one service performs: what the public dashboard shows and `/statistics` returns.
public struct ServiceStatistics: Sendable, Equatable, Codable {
    public var serviceID: String
    public var agency: String
    public var applications: Int
    public var decided: Int
    /// Applications not decided yet.
    public var backlog: Int
    /// Median days from submission to decision, over decided applications.
    public var medianDaysToDecision: Double?
    /// Share (0…1) of decided applications decided by their legal deadline.
    public var withinDeadline: Double?
    public var averageRating: Double?
    public var ratings: Int
}

extension ApplicationService {
    /// Figures per service, over every application (withdrawn ones count as neither decided nor backlog).
    public func statistics() async throws -> [ServiceStatistics] {
        let services = try await catalogue.all()
        let rows = try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT service_id, COUNT(*) AS n, SUM(CASE WHEN final = 0 THEN 1 ELSE 0 END) AS open,
                  SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, AVG(CAST(rating AS DOUBLE PRECISION)) AS rating
                FROM applications GROUP BY service_id
                """
            ).all().map { row in
                (
                    try row.decode(column: "service_id", as: String.self), try row.decode(column: "n", as: Int.self),
                    try row.decode(column: "open", as: Int?.self) ?? 0,
                    try row.decode(column: "rated", as: Int?.self) ?? 0,
                    try row.decode(column: "rating", as: Double?.self)
                )
            }
        }
        let decided = try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT service_id, submitted_at, decided_at, due_on FROM applications WHERE final = 1 AND status <> 'withdrawn' AND decided_at IS NOT NULL
                """
            ).all().map { row in
                (
                    try row.decode(column: "service_id", as: String.self),
                    try row.decode(column: "submitted_at", as: Int.self),
                    try row.decode(column: "decided_at", as: Int.self),
                    try row.decode(column: "due_on", as: String.self)
                )
            }
        }
        let decidedBy = Dictionary(grouping: decided, by: \.0)
        return services.map { service in
            let row = rows.first { $0.0 == service.id }
            let done = decidedBy[service.id] ?? []
            let days = done.map { Double($0.2 - $0.1) / 86_400 }.sorted()
            let median: Double? =
                days.isEmpty
                ? nil
                : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
            let onTime = done.filter { CalendarDate(bishkekDayOf: $0.2).description <= $0.3 }.count
            return ServiceStatistics(
                serviceID: service.id, agency: service.agency, applications: row?.1 ?? 0, decided: done.count,
                backlog: row?.2 ?? 0,
                medianDaysToDecision: median, withinDeadline: done.isEmpty ? nil : Double(onTime) / Double(done.count),
                averageRating: row?.4, ratings: row?.3 ?? 0)
        }
    }
}
