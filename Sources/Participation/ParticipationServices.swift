import Core
import Ledger
import Storage

/// The e-participation services over one database and ledger, as the platform wires them.
public struct ParticipationServices: Sendable {
    public let petitions: PetitionService
    public let consultations: ConsultationService
    public let budgets: BudgetService
    public let moderation: ModerationService
    /// Where a person lives by the population register (region and district codes), read with the
    /// purpose `PlatformPurpose.participation` so that it shows in their "who looked at my data";
    /// nil when the register does not say.
    public let residence: @Sendable (_ pin: String) async throws -> (region: String, district: String)?
    let statistics: SQLParticipationStatisticsStore

    public init(
        database: Database, ledger: LedgerService, clock: Clock,
        petitionThresholds: (national: Int, city: Int) = (
            Petition.defaultThreshold(.national), Petition.defaultThreshold(.city)
        ),
        residence: @escaping @Sendable (_ pin: String) async throws -> (region: String, district: String)?
    ) {
        self.residence = residence
        statistics = SQLParticipationStatisticsStore(database: database)
        petitions = PetitionService(
            store: SQLPetitionStore(database: database, ledger: ledger), clock: clock, thresholds: petitionThresholds)
        consultations = ConsultationService(
            store: SQLConsultationStore(database: database, ledger: ledger), clock: clock)
        budgets = BudgetService(store: SQLBudgetStore(database: database, ledger: ledger), clock: clock)
        moderation = ModerationService(
            store: SQLModerationStore(database: database, ledger: ledger), petitions: petitions,
            consultations: consultations, clock: clock)
    }

    /// Signatures standing, ballots cast and comments written, over every petition, budget and
    /// consultation (people are pseudonymous per petition and budget, so acts are counted, not people).
    public func acts() async throws -> Int { try await statistics.acts() }
}
