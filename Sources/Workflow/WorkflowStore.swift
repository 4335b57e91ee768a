import Core
import SQLKit

/// A published definition version as stored: its text and who published it when.
public struct StoredDefinition: Sendable {
    public var id: String
    public var version: Int
    public var document: String
    public var publishedAt: Int
    public var publishedBy: String
}

/// An SLA escalation recorded in a case's history, for the modules that tell people about it.
public struct CaseEscalation: Sendable, Equatable {
    public var caseID: String
    public var seq: Int
    /// The state the case was (or was moved to) when its SLA passed.
    public var state: String
    /// The official who held the case, if any.
    public var assigneePIN: String?
    public var at: Int
}

/// Where the workflow keeps definitions, cases, their history, the holiday calendar and each
/// official's open-case count. Every method runs on the caller's connection or transaction, so
/// a case change and another module's writes commit together; `SQLWorkflowStore` is the real one.
public protocol WorkflowStore: Sendable {
    // MARK: definitions
    /// The newest published version of definition `id`, if any.
    func latestVersion(of id: String, on sql: any SQLDatabase) async throws -> Int?
    /// The text of a published version.
    func definitionText(_ id: String, version: Int, on sql: any SQLDatabase) async throws -> String?
    /// Every published version, newest first within each id.
    func definitions(on sql: any SQLDatabase) async throws -> [StoredDefinition]
    func insertDefinition(_ definition: StoredDefinition, ledgerIndex: Int?, on sql: any SQLDatabase) async throws

    // MARK: calendar
    /// The stored holidays (empty until an administrator first changes the default calendar).
    func holidays(on sql: any SQLDatabase) async throws -> [CalendarDate]
    /// Adds or renames a holiday.
    func setHoliday(_ day: CalendarDate, name: String, on sql: any SQLDatabase) async throws
    func removeHoliday(_ day: CalendarDate, on sql: any SQLDatabase) async throws

    // MARK: cases
    /// A case as stored; `lock` keeps other writers off it until the transaction ends.
    func loadCase(_ id: String, lock: Bool, on sql: any SQLDatabase) async throws -> WorkflowCase?
    /// Clears and returns the SLA timers due at `at` (a second caller finds them gone).
    func claimDueTimers(at: Int, on sql: any SQLDatabase) async throws -> [String]
    /// The ids of live cases on one version of a definition.
    func liveCases(of definitionID: String, version: Int, on sql: any SQLDatabase) async throws -> [String]
    /// Open cases of `agency` (of one assignee, when given), soonest due first, a page at a time.
    func openCases(agency: String, assignee: String?, offset: Int, limit: Int, on sql: any SQLDatabase) async throws
        -> [WorkflowCase]
    /// Up to `limit` cases changed after `cursor` (last change time, then id), in that order,
    /// with their revision: a page of "what changed lately" that an index answers.
    func revisions(after cursor: CaseChangeCursor, limit: Int, on sql: any SQLDatabase) async throws
        -> [CaseRevision]
    /// Escalations recorded at or after `since`, oldest first, a page at a time.
    func escalations(since: Int, offset: Int, limit: Int, on sql: any SQLDatabase) async throws -> [CaseEscalation]
    /// A case's history, oldest first.
    func history(of caseID: String, on sql: any SQLDatabase) async throws -> [CaseEvent]

    // MARK: writes (see CaseWriter)
    func insertHistory(_ lines: [(caseID: String, event: CaseEvent)], on sql: any SQLDatabase) async throws
    func insertCases(_ cases: [WorkflowCase], at: Int, on sql: any SQLDatabase) async throws
    func updateCase(_ item: WorkflowCase, at: Int, on sql: any SQLDatabase) async throws
    /// How the cases `ids` are held now: their assignee and whether they ended.
    func assignments(of ids: [String], on sql: any SQLDatabase) async throws -> [String: (
        assignee: String?, terminal: Bool
    )]
    /// Open cases held by each of `pins` (0 for none).
    func loads(of pins: [String], on sql: any SQLDatabase) async throws -> [String: Int]
    /// Adds each change to the official's open-case count.
    func adjustLoads(_ changes: [String: Int], on sql: any SQLDatabase) async throws
}
