import Identity
import Ledger
import Registries
import Services
import Storage
import Workflow

extension Platform {
    /// Every module's sealed records against `ledger`: accounts, cases and their histories,
    /// applications and documents, registry records.
    public static func reconciler(_ ledger: LedgerService) -> Reconciler {
        let database = ledger.database
        return Reconciler(
            ledger: ledger,
            owners: [
                AccountRecords(database: database), CaseRecords(database: database),
                ServiceRecords(database: database), RegistryRecords(database: database),
            ])
    }
}
