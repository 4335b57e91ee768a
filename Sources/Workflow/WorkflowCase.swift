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

    /// A new case id made at `seconds` (since 1970): 20 hex digits, the second first (4 bytes), then
    /// 6 random bytes. Time first, so that a new case's key lands at the end of each index keyed by
    /// case id (the cases, their history, applications by case) rather than at a random page: on a
    /// grown SQLite file every random insert dirtied a page of its own, which the WAL wrote and the
    /// checkpoint copied back. 48 random bits tell apart the ids made in one second; reading a case still
    /// needs the right to (its agency, or its applicant).
    public static func newID(at seconds: Int) -> String {
        let second = UInt32(clamping: seconds)
        let time = (0..<4).map { UInt8(truncatingIfNeeded: second >> (24 - 8 * $0)) }
        return Hex.encode(time + Secrets.randomBytes(6))
    }
}

/// Where a walk through lately changed cases stands: the last change time and case id seen.
/// Start at `CaseChangeCursor(changedAt: since, caseID: "")` for every case changed at or after `since`.
public struct CaseChangeCursor: Sendable, Equatable {
    public var changedAt: Int
    public var caseID: String

    public init(changedAt: Int, caseID: String) {
        self.changedAt = changedAt
        self.caseID = caseID
    }
}

/// A case's revision as of its last change.
public struct CaseRevision: Sendable, Equatable {
    public var caseID: String
    public var revision: Int
    public var changedAt: Int

    public init(caseID: String, revision: Int, changedAt: Int) {
        self.caseID = caseID
        self.revision = revision
        self.changedAt = changedAt
    }

    /// The cursor just past this case.
    public var cursor: CaseChangeCursor { CaseChangeCursor(changedAt: changedAt, caseID: caseID) }
}
