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

/// Over decided applications: how many, how many on or before their due day (Bishkek), and the
/// median of days from submission to decision (nil before the first).
public struct DecisionSummary: Sendable, Equatable {
    public var decided: Int
    public var onTime: Int
    public var medianDays: Double?

    init(_ decided: [DecisionTimes]) {
        let days = decided.map { Double($0.decidedAt - $0.submittedAt) / 86_400 }.sorted()
        self.decided = decided.count
        self.onTime = decided.filter { CalendarDate(bishkekDayOf: $0.decidedAt).description <= $0.dueOn }.count
        self.medianDays =
            days.isEmpty
            ? nil : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
    }
}

extension ApplicationService {
    /// Figures per service, over every application (withdrawn ones count as neither decided nor backlog).
    public func statistics() async throws -> [ServiceStatistics] {
        try await performance().services
    }

    /// The figures per service and the summary over all of them, from one read of the decisions,
    /// at most `PerformanceFigures.lifetime` old.
    public func performance() async throws -> (services: [ServiceStatistics], overall: DecisionSummary) {
        let figures = try await self.figures.value(for: "all") { try await self.measuredPerformance() }
        return (figures.services, figures.overall)
    }

    /// The figures as the database has them now.
    func measuredPerformance() async throws -> PerformanceFigures {
        let services = try await catalogue.all()
        let (counts, decided) = try await database.withConnection { sql in
            (try await store.serviceCounts(on: sql), try await store.decisionTimes(on: sql))
        }
        let decidedBy = Dictionary(grouping: decided, by: \.serviceID)
        let figures = services.map { service in
            let row = counts.first { $0.serviceID == service.id }
            let done = decidedBy[service.id] ?? []
            let summary = DecisionSummary(done)
            return ServiceStatistics(
                serviceID: service.id, agency: service.agency, applications: row?.applications ?? 0,
                decided: done.count, backlog: row?.open ?? 0,
                withdrawn: max(0, (row?.applications ?? 0) - done.count - (row?.open ?? 0)),
                medianDaysToDecision: summary.medianDays,
                withinDeadline: done.isEmpty ? nil : Double(summary.onTime) / Double(done.count),
                averageRating: row?.averageRating, ratings: row?.rated ?? 0)
        }
        return PerformanceFigures(services: figures, overall: DecisionSummary(decided))
    }
}

/// What the public dashboard, `/statistics` and the programme's indicators show of service
/// performance, as made at one moment.
public struct PerformanceFigures: Sendable, Equatable {
    /// How long figures are shown before they are made again: a dashboard half a minute behind is
    /// as useful, and a page view no longer reads every decided application (on a grown database,
    /// a million rows).
    public static let lifetime: Duration = .seconds(30)
    public var services: [ServiceStatistics]
    public var overall: DecisionSummary
}
