import Storage

/// What the administrator's page of the exchange shows: this node, the members' requests (on the
/// operator's node), what it offers and to whom, its systems, its subscriptions, the events given
/// up on, the traffic of the last 30 days, and the newest messages.
public struct ExchangeOverview: Sendable {
    public var member: String
    public var name: String
    public var isOperator: Bool
    /// The serial of the global configuration in force, if any.
    public var serial: Int?
    public var members: [GlobalConfiguration.Member]
    public var joinRequests: [JoinRequest]
    public var services: [(service: ProvidedService, rights: [AccessRight])]
    public var localSubsystems: [String]
    public var subscriptions: [Subscription]
    public var deadLetters: [FailedMessage]
    public var traffic: [TrafficCount]
    public var recent: [MessageRecord]
}

extension ExchangeNode {
    /// How many days of traffic the overview counts.
    public static let trafficDays = 30

    /// Everything `ExchangeOverview` shows.
    public func overview() async throws -> ExchangeOverview {
        let configuration = await configuration.value
        var services: [(service: ProvidedService, rights: [AccessRight])] = []
        for service in try await store.services() { services.append((service, try await store.rights(service.id))) }
        return ExchangeOverview(
            member: member.description, name: settings.memberName, isOperator: settings.isOperator,
            serial: configuration?.serial, members: configuration?.members ?? [],
            joinRequests: settings.isOperator ? try await store.joinRequests() : [], services: services,
            localSubsystems: try await store.localSubsystems(), subscriptions: try await store.subscriptions(),
            deadLetters: try await deadLetters(limit: 50),
            traffic: try await store.traffic(since: clock.seconds - Self.trafficDays * 86_400),
            recent: try await store.recentMessages(limit: 20))
    }

    /// Approves or refuses a member's request (operator's node), by an administrator named `by`.
    public func decideJoinRequest(member id: String, approve: Bool, by decider: String) async throws -> Bool {
        guard settings.isOperator else { return false }
        let decided = try await ExchangeAdministration(store: store, clock: clock).decide(
            member: id, approve: approve, by: decider)
        if decided { try await loadStoredConfiguration() }
        return decided
    }
}
