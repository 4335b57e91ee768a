import Core

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
