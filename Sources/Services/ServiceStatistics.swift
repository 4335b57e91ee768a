import Core

/// How one service performs: what the public dashboard shows and `/statistics` returns.
public struct ServiceStatistics: Sendable, Equatable, Codable {
    public var serviceID: String
    public var agency: String
    public var applications: Int
    public var decided: Int
    /// Applications not decided yet.
    public var backlog: Int
    /// Applications their applicants withdrew: with `decided` and `backlog`, every application.
    public var withdrawn: Int
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
        let (counts, decided) = try await database.withConnection { sql in
            (try await store.serviceCounts(on: sql), try await store.decisionTimes(on: sql))
        }
        let decidedBy = Dictionary(grouping: decided, by: \.serviceID)
        return services.map { service in
            let row = counts.first { $0.serviceID == service.id }
            let done = decidedBy[service.id] ?? []
            let days = done.map { Double($0.decidedAt - $0.submittedAt) / 86_400 }.sorted()
            let median: Double? =
                days.isEmpty
                ? nil
                : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
            let onTime = done.filter { CalendarDate(bishkekDayOf: $0.decidedAt).description <= $0.dueOn }.count
            return ServiceStatistics(
                serviceID: service.id, agency: service.agency, applications: row?.applications ?? 0,
                decided: done.count, backlog: row?.open ?? 0,
                withdrawn: max(0, (row?.applications ?? 0) - done.count - (row?.open ?? 0)),
                medianDaysToDecision: median, withinDeadline: done.isEmpty ? nil : Double(onTime) / Double(done.count),
                averageRating: row?.averageRating, ratings: row?.rated ?? 0)
        }
    }

    /// Over every decided application: how many, how many on or before their due day (Bishkek),
    /// and the median of days from submission to decision (nil before the first).
    public func decisionSummary() async throws -> (decided: Int, onTime: Int, medianDays: Double?) {
        let decided = try await database.withConnection { sql in try await store.decisionTimes(on: sql) }
        let days = decided.map { Double($0.decidedAt - $0.submittedAt) / 86_400 }.sorted()
        let median: Double? =
            days.isEmpty
            ? nil : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
        let onTime = decided.filter { CalendarDate(bishkekDayOf: $0.decidedAt).description <= $0.dueOn }.count
        return (decided.count, onTime, median)
    }
}
