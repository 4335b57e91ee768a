import Core

/// An application for a service, as the applicant and the officials see it.
public struct Application: Sendable, Equatable {
    /// The tracking number, e.g. `TK-0K3M-9QXM-2B`: the hour it was made and the slot of that hour
    /// (`9`), then 25 random bits, so numbers cannot be guessed from one another (`ApplicationService.trackingNumber(at:)`).
    public var id: String
    public var serviceID: String
    public var applicantPIN: String
    /// The company applied for, when a representative applies for one.
    public var organisationINN: String?
    /// The language the applicant used; messages to them are written in it.
    public var language: Language
    public var answers: [String: String]
    public var status: Status
    /// Index of the stage (agency) now handling it, and its case.
    public var stage: Int
    public var caseID: String
    public var agencyCode: String
    public var submittedAt: Int
    /// The legal deadline: the service's working days counted from submission.
    public var dueOn: CalendarDate
    public var decidedAt: Int?
    public var rating: Int?
    public var ledgerIndex: Int?
    /// The revision of the case last reflected in `status`; a newer case revision (an SLA
    /// escalation) means the status must be brought up to date.
    public var caseRevision: Int = 0

    /// Where an application stands, as the applicant reads it.
    public enum Status: String, Sendable, CaseIterable {
        case awaitingPayment = "awaiting_payment"
        case inProgress = "in_progress"
        case correctionRequested = "correction_requested"
        /// Refused, and the applicant appealed: the agency's head examines the refusal.
        case underAppeal = "under_appeal"
        case issued, approved, refused, withdrawn

        /// Whether the application has ended.
        public var isFinal: Bool { [.issued, .approved, .refused, .withdrawn].contains(self) }
    }
}

/// One line of an application's timeline: what happened, when, and the ledger entry proving it.
public struct TimelineEvent: Sendable, Equatable {
    /// `started`, `transition`, `assigned`, `paid`, `document`, …
    public var kind: String
    /// The state reached or the action taken (catalog keys `state_<id>`, `action_<id>` name them).
    public var state: String?
    public var action: String?
    /// The official's reason (a refusal, a correction request), shown to the applicant.
    public var reason: String
    public var at: Int
    public var ledgerIndex: Int?
    /// The agency handling that stage.
    public var agencyCode: String
}

/// A bill for a service's fee, and its payment.
public struct Bill: Sendable, Equatable {
    public var id: String
    public var applicationID: String
    public var amount: Int
    public var currency: String
    /// `unpaid`, `pending` (the gateway has not answered yet), `paid`, `failed`.
    public var status: String
    public var gatewayReference: String?
    public var receiptNumber: String?
    public var paidAt: Int?
    /// The ledger entry of the confirmed payment.
    public var ledgerIndex: Int?
}
