import Core

/// One case (an application being processed), pinned to one version of its definition.
public struct WorkflowCase: Sendable, Equatable {
    public var id: String
    public var definitionID: String
    public var version: Int
    public var state: String
    public var isTerminal: Bool
    /// The agency that processes it; only its officials may act.
    public var agencyCode: String
    /// The applicant, who may never act on their own case.
    public var applicantPIN: String?
    /// The official the system gave it to.
    public var assigneePIN: String?
    public var facts: [String: Value]
    public var documents: Set<String>
    /// The day the case entered its state, and the SLA's last working day there.
    public var enteredOn: CalendarDate
    public var dueOn: CalendarDate?
    /// Grows with every change; concurrent changes of one case are serialized by it.
    public var revision: Int
    /// When the SLA of the current state runs out (seconds since 1970), until its escalation fires.
    public var timerAt: Int?
}

/// One line of a case's history: a transition, an assignment or an escalation.
public struct CaseEvent: Sendable, Equatable {
    public var seq: Int
    /// `started`, `transition`, `assigned`, `reassigned`, `escalated`, `migrated`.
    public var kind: String
    public var from: String?
    public var to: String?
    public var action: String?
    /// `official:<PIN>`, `system`, `agency:<code>`.
    public var actor: String
    public var role: String?
    public var reason: String
    /// Decisions taken (table and the rule that fired), fees computed: canonical JSON.
    public var details: String
    public var at: Int
    public var ledgerIndex: Int?
}

/// What an explicit migration of cases between versions did.
public struct MigrationReport: Sendable, Equatable {
    public var moved: [String]
    /// Cases left where they were, with why (their state does not exist in the new version).
    public var kept: [(caseID: String, reason: String)]

    public static func == (a: MigrationReport, b: MigrationReport) -> Bool {
        a.moved == b.moved && a.kept.map(\.caseID) == b.kept.map(\.caseID) && a.kept.map(\.reason) == b.kept.map(\.reason)
    }
}
