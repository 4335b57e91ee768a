/// Where the exchange layer keeps its state; `SQLExchangeStore` is the one implementation.
public protocol ExchangeStore: Sendable {
    /// The signing key stored under `role` (`member` or `operator`); makes and stores `make()` first if none is.
    func key(role: String, make: @Sendable () -> String, now: Int) async throws -> String
    /// Stores `value` under `role`, replacing what was there.
    func putKey(role: String, value: String, now: Int) async throws
    /// The signing key stored under `role`, if any.
    func existingKey(role: String) async throws -> String?

    /// Stores a join request as pending (replacing an earlier undecided one of the same member).
    func putJoinRequest(_ request: JoinRequest) async throws
    func joinRequests() async throws -> [JoinRequest]
    /// Approves or refuses the request of `member`; false if there is none.
    func decideJoinRequest(member: String, approve: Bool, by decider: String, now: Int) async throws -> Bool
    /// Puts the operator's own member in directly, approved.
    func putApprovedMember(_ member: GlobalConfiguration.Member, now: Int) async throws
    func approvedMembers() async throws -> [GlobalConfiguration.Member]
    func addToGroup(_ code: String, member: String) async throws
    func groups() async throws -> [GlobalConfiguration.Group]

    /// The last global configuration this node accepted (serial and signed note).
    func storedConfiguration() async throws -> (serial: Int, note: String)?
    /// Keeps `note` if its serial is higher than the stored one's; returns whether it did.
    func storeConfiguration(serial: Int, note: String, now: Int) async throws -> Bool

    func putService(_ service: ProvidedService) async throws
    func service(_ id: XRoadService) async throws -> ProvidedService?
    func services() async throws -> [ProvidedService]
    func grant(_ right: AccessRight) async throws
    func rights(_ service: XRoadService) async throws -> [AccessRight]

    /// Binds a subsystem of this node's member to the API client whose token its system uses.
    func bindLocalClient(subsystem: String, apiClientID: String) async throws
    func localClient(subsystem: String) async throws -> String?
    func localSubsystems() async throws -> [String]

    /// Logs a message and appends its ledger entry in one transaction, with its encrypted bodies
    /// when given; returns it with its ledger index.
    func log(_ message: MessageRecord, sealedBodies: SealedBodies?) async throws -> MessageRecord
    /// The encrypted bodies of message log line `id`, if they were kept.
    func sealedBodies(id: String) async throws -> SealedBodies?
    func messages(messageID: String) async throws -> [MessageRecord]

    /// Messages since `since` (seconds since 1970), counted by service and client member, each side.
    func traffic(since: Int) async throws -> [TrafficCount]
    /// The newest message log lines.
    func recentMessages(limit: Int) async throws -> [MessageRecord]

    func putSubscription(_ subscription: Subscription) async throws
    func subscriptions() async throws -> [Subscription]
    /// The ledger index publishing goes on from; nil before the first round.
    func publishingCursor() async throws -> Int?
    /// Queues `events` in the platform's outbox and moves the cursor to `next`, in one transaction.
    func queue(_ events: [(Subscription, RegistryChangeEvent)], next: Int) async throws
}

/// A message's request and response bodies, each AES-GCM sealed and base64-encoded.
public struct SealedBodies: Sendable, Equatable {
    public var request: String
    public var response: String

    public init(request: String, response: String) {
        self.request = request
        self.response = response
    }
}

/// How many messages one client member sent to one service, as one side logged them.
public struct TrafficCount: Sendable, Equatable {
    public var side: String
    public var service: String
    public var clientMember: String
    public var messages: Int
    public var errors: Int
}
