import Ledger
import SQLKit
import Storage

/// Applications and issued documents as the ledger seals them. A rating, the idempotency key and
/// the ledger index the row keeps are not what the state decided, and are not sealed.
public struct ServiceRecords: SealedTables {
    static let applications = SealedTable(
        prefix: "application:", table: "applications", key: "id",
        columns: [
            "id", "service_id", "applicant_pin", "organisation_inn", "language", "answers", "status", "final", "stage",
            "case_id", "case_revision", "agency_code", "submitted_at", "due_on", "decided_at",
        ], integers: ["final", "stage", "case_revision", "submitted_at", "decided_at"])
    static let documents = SealedTable(
        prefix: "document:", table: "issued_documents", key: "id",
        columns: [
            "id", "application_id", "agency_code", "holder_pin", "content", "signature", "key_id", "issued_at",
            "revoked_at",
        ], integers: ["issued_at", "revoked_at"])
    public let database: Database
    public var prefixes: [String] { [Self.applications.prefix, Self.documents.prefix] }

    /// The applications and documents on `database`.
    public init(database: Database) { self.database = database }

    public func sealedTables(on sql: any SQLDatabase) async throws -> [SealedTable] {
        [Self.applications, Self.documents]
    }

    /// Seals these applications and documents as they are now, on the caller's transaction; with
    /// `batch`, together with what else the transaction sealed there (one entry).
    static func seal(
        applications: [String], documents: [String] = [], ledger: LedgerService, into batch: SealBatch? = nil,
        on sql: any SQLDatabase
    ) async throws {
        var states = try await Self.applications.states(of: Self.applications.names(applications), on: sql)
        states.merge(try await Self.documents.states(of: Self.documents.names(documents), on: sql)) { _, new in new }
        guard let batch else { return try await ledger.seal(states, by: "services", on: sql) }
        batch.add(states)
        try await batch.seal(with: ledger, by: "services", on: sql)
    }

    /// Seals applications that `SQLServicesStore.insert` has just written (at `at`) from the values
    /// it wrote, without reading them back, together with what else `batch` holds.
    static func seal(
        inserted: [Application], at: Int, ledger: LedgerService, into batch: SealBatch, on sql: any SQLDatabase
    ) async throws {
        var states: [String: String] = [:]
        for application in inserted {
            states[applications.prefix + application.id] = try applications.state(ofWritten: [
                written(application, at: at)
            ])
        }
        batch.add(states)
        try await batch.seal(with: ledger, by: "services", on: sql)
    }

    /// The sealed columns of an application as `SQLServicesStore.insert` writes them.
    static func written(_ application: Application, at: Int) -> [String: String?] {
        [
            "id": application.id, "service_id": application.serviceID, "applicant_pin": application.applicantPIN,
            "organisation_inn": application.organisationINN, "language": application.language.rawValue,
            "answers": SQLServicesStore.encodeAnswers(application.answers), "status": application.status.rawValue,
            "final": application.status.isFinal ? "1" : "0", "stage": String(application.stage),
            "case_id": application.caseID, "case_revision": String(application.caseRevision),
            "agency_code": application.agencyCode, "submitted_at": String(at),
            "due_on": application.dueOn.description, "decided_at": application.decidedAt.map { String($0) },
        ]
    }
}
