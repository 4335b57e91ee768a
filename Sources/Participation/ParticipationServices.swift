import Core
import Ledger
import Storage

/// The e-participation services over one database and ledger, as the platform wires them.
public struct ParticipationServices: Sendable {
    public let petitions: PetitionService
    public let consultations: ConsultationService
    public let budgets: BudgetService

    public init(database: Database, ledger: LedgerService, clock: Clock) {
        petitions = PetitionService(store: SQLPetitionStore(database: database, ledger: ledger), clock: clock)
        consultations = ConsultationService(
            store: SQLConsultationStore(database: database, ledger: ledger), clock: clock)
        budgets = BudgetService(store: SQLBudgetStore(database: database, ledger: ledger), clock: clock)
    }
}
