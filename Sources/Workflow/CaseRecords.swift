import Ledger
import SQLKit
import Storage

/// Cases and their histories (every decision is a line of one) as the ledger seals them. A case's
/// timer and last-change time are bookkeeping of the node that runs it and are not sealed.
public struct CaseRecords: SealedTables {
    static let cases = SealedTable(
        prefix: "case:", table: "workflow_cases", key: "id",
        columns: [
            "id", "definition_id", "version", "state", "terminal", "agency_code", "applicant_pin", "assignee_pin",
            "facts", "documents", "entered_on", "due_on", "revision", "created_at",
        ], integers: ["version", "terminal", "revision", "created_at"])
    static let histories = SealedTable(
        prefix: "case-history:", table: "workflow_history", groupedBy: "case_id", order: "seq",
        columns: [
            "case_id", "seq", "kind", "from_state", "to_state", "action", "actor", "role", "reason", "details", "at",
        ], integers: ["seq", "at"])
    public let database: Database
    public var prefixes: [String] { [Self.cases.prefix, Self.histories.prefix] }

    /// The cases on `database`.
    public init(database: Database) { self.database = database }

    public func sealedTables(on sql: any SQLDatabase) async throws -> [SealedTable] { [Self.cases, Self.histories] }

    /// Seals the cases `ids` and the histories of `histories` as they are now, on the caller's
    /// transaction; into `batch` when the caller seals everything of its transaction at once.
    static func seal(
        cases ids: [String], histories: [String], ledger: LedgerService?, into batch: SealBatch?,
        on sql: any SQLDatabase
    ) async throws {
        guard let ledger, !ids.isEmpty || !histories.isEmpty else { return }
        var states = try await Self.cases.states(of: Self.cases.names(ids), on: sql)
        states.merge(try await Self.histories.states(of: Self.histories.names(histories), on: sql)) { _, new in new }
        if let batch { batch.add(states) } else { try await ledger.seal(states, by: "workflow", on: sql) }
    }
}
