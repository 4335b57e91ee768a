/// Who writes to the portal: an agency's system (an API client) or an official, never anonymous.
public struct Publisher: Sendable, Equatable {
    /// The agency whose organization the publisher may write to.
    public var agencyCode: String
    /// The ledger's name for them: `system:<client id>` or `official:<pseudonym>`.
    public var actor: String

    public init(agencyCode: String, actor: String) {
        self.agencyCode = agencyCode
        self.actor = actor
    }
}
