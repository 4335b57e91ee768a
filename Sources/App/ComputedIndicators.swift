import Exchange
import Ledger
import OpenData
import Participation
import Programme
import Services

/// The programme's computed indicators, taken from the platform's own services (each figure's
/// method text in `ProgrammeIndicators` says the same in words).
struct ComputedIndicators: Sendable {
    let applications: ApplicationService
    let openData: OpenDataService
    let exchange: ExchangeNode?
    let participation: ParticipationServices
    let ledger: LedgerService

    func values() async throws -> [String: Double] {
        let (statistics, decisions) = try await applications.performance()
        var values: [String: Double] = [
            "services-online": Double(statistics.count),
            "applications-online": Double(statistics.reduce(0) { $0 + $1.applications }),
            "datasets-published": Double(
                try await openData.search(
                    DatasetSearch(expression: .everything, sort: [], rows: 1, start: 0, facets: [], facetLimit: 0)
                ).count),
            "participation-acts": Double(try await participation.acts()),
            "ledger-entries": Double(try await ledger.head().size),
            "registries-connected": 0, "exchange-messages": 0,
        ]
        if decisions.decided > 0 {
            values["decided-on-time"] = Double(decisions.onTime) / Double(decisions.decided) * 100
        }
        if let median = decisions.medianDays { values["median-days"] = median }
        if let exchange {
            let overview = try await exchange.overview()
            values["registries-connected"] = Double(
                Set(overview.services.map(\.service.backend).filter { $0.hasPrefix("registry:") }).count)
            values["exchange-messages"] = Double(overview.traffic.reduce(0) { $0 + $1.messages })
        }
        return values
    }

    /// Computes the figures and stores them as this month's.
    func refresh(_ programme: ProgrammeService) async throws {
        try await programme.recordComputed(try await values())
    }
}
