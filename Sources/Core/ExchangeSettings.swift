/// How one node takes part in the exchange: as which member, where it is reached, and where its
/// global configuration comes from.
public struct ExchangeSettings: Sendable, Equatable {
    /// This node's member, `INSTANCE/CLASS/CODE`; nil turns the exchange off.
    public var member: String?
    /// The member's name as the global configuration shows it.
    public var memberName: String
    /// Where other nodes reach this one (its public base URL).
    public var address: String
    /// This node is the operator's: it keeps the members and publishes the global configuration.
    public var isOperator: Bool
    /// The operator's node (base URL), for other nodes: where they fetch the configuration and ask to join.
    public var operatorAddress: String?
    /// The operator's key (`name+id+key`) that every configuration must be signed with.
    public var operatorKey: String?
    /// Largest request or response body relayed, in bytes.
    public var maxBodyBytes: Int
    /// How long a provider's node, or a provider's system, may take to answer.
    public var timeoutSeconds: Int
    /// How often the global configuration is fetched again.
    public var refreshSeconds: Int
    /// Keep each message's bodies in the message log, encrypted (AES-GCM), for evidence packages.
    public var keepBodies: Bool

    public init(
        member: String? = nil, memberName: String = "", address: String = "", isOperator: Bool = false,
        operatorAddress: String? = nil, operatorKey: String? = nil, maxBodyBytes: Int = 10 << 20,
        timeoutSeconds: Int = 30, refreshSeconds: Int = 60, keepBodies: Bool = false
    ) {
        self.member = member
        self.memberName = memberName
        self.address = address
        self.isOperator = isOperator
        self.operatorAddress = operatorAddress
        self.operatorKey = operatorKey
        self.maxBodyBytes = maxBodyBytes
        self.timeoutSeconds = timeoutSeconds
        self.refreshSeconds = refreshSeconds
        self.keepBodies = keepBodies
    }
}
