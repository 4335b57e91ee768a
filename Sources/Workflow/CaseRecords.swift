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

    /// Seals the cases `ids` and the histories of `histories` as they are now (read back), and the
    /// records whose states the caller knows from what it just wrote (`written`, name → state), on
    /// the caller's transaction; into `batch` when the caller seals everything of its transaction at once.
    static func seal(
        cases ids: [String], histories: [String], written: [String: String], ledger: LedgerService?,
        into batch: SealBatch?, on sql: any SQLDatabase
    ) async throws {
        guard let ledger, !ids.isEmpty || !histories.isEmpty || !written.isEmpty else { return }
        var states = written
        states.merge(try await Self.cases.states(of: Self.cases.names(ids), on: sql)) { _, new in new }
        states.merge(try await Self.histories.states(of: Self.histories.names(histories), on: sql)) { _, new in new }
        if let batch { batch.add(states) } else { try await ledger.seal(states, by: "workflow", on: sql) }
    }

    /// The states of cases that `SQLWorkflowStore.insertCases` has just written at `at`, and of
    /// their histories, from the values written: `history` holds every line of those cases (they
    /// are new) as `insertHistory` wrote them, and may hold lines of other cases too.
    static func states(ofNew new: [WorkflowCase], history: [(caseID: String, event: CaseEvent)], at: Int) throws
        -> [String: String]
    {
        var lines: [String: [CaseEvent]] = [:]
        for (caseID, event) in history { lines[caseID, default: []].append(event) }
        var states: [String: String] = [:]
        for item in new {
            states[cases.prefix + item.id] = try cases.state(ofWritten: [written(item, at: at)])
            if let events = lines[item.id] {
                states[histories.prefix + item.id] = try histories.state(
                    ofWritten: events.sorted { $0.seq < $1.seq }.map { written($0, of: item.id) })
            }
        }
        return states
    }

    /// The sealed columns of a case as `SQLWorkflowStore.insertCases` writes it.
    static func written(_ item: WorkflowCase, at: Int) -> [String: String?] {
        [
            "id": item.id, "definition_id": item.definitionID, "version": String(item.version), "state": item.state,
            "terminal": item.isTerminal ? "1" : "0", "agency_code": item.agencyCode, "applicant_pin": item.applicantPIN,
            "assignee_pin": item.assigneePIN, "facts": FactsCoding.encode(item.facts),
            "documents": item.documents.sorted().joined(separator: ","), "entered_on": item.enteredOn.description,
            "due_on": item.dueOn?.description, "revision": String(item.revision), "created_at": String(at),
        ]
    }

    /// The sealed columns of a history line as `SQLWorkflowStore.insertHistory` writes it.
    static func written(_ event: CaseEvent, of caseID: String) -> [String: String?] {
        [
            "case_id": caseID, "seq": String(event.seq), "kind": event.kind, "from_state": event.from,
            "to_state": event.to, "action": event.action, "actor": event.actor, "role": event.role,
            "reason": event.reason, "details": event.details, "at": String(event.at),
        ]
    }
}
