import Core
import Foundation
import Ledger

/// Setting a node up, from the command line or the administrator's pages: the services its
/// member offers, the rights to them, which local system may call as which subsystem, and on the
/// operator's node the members' requests to join and the configuration that follows from them.
/// Works on the database alone, so it runs beside a serving node (which reads the changes).
public struct ExchangeAdministration: Sendable {
    let store: any ExchangeStore
    let clock: Clock

    public init(store: any ExchangeStore, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    /// Offers a service of one of this member's subsystems (the backend is an http(s) URL or `registry:NAME`).
    public func offer(_ service: ProvidedService) async throws {
        guard service.id.provider.subsystem != nil else {
            throw ExchangeError.invalidClient(
                "A service belongs to a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.")
        }
        guard
            service.backend.hasPrefix("http://") || service.backend.hasPrefix("https://")
                || service.backend.hasPrefix(ExchangeNode.registryBackend), service.backend.utf8.count <= 500
        else { throw ExchangeError.badRequest("A backend is an http(s) URL or registry:NAME.") }
        guard !ExchangeNode.metaServices.contains(service.id.code) else {
            throw ExchangeError.badRequest("\(service.id.code) is a metadata service of every subsystem.")
        }
        try await store.putService(service)
    }

    /// Grants a right to one of this member's services, to a subsystem or to `group:CODE`.
    public func grant(_ right: AccessRight) async throws {
        guard try await store.service(right.service) != nil else {
            throw ExchangeError.unknownService(right.service.description)
        }
        let group = right.grantee.hasPrefix("group:") && XRoadClient.isValidPart(String(right.grantee.dropFirst(6)))
        guard group || XRoadClient(right.grantee)?.subsystem != nil else {
            throw ExchangeError.invalidClient("A right is granted to a subsystem or to group:CODE.")
        }
        guard right.method == "*" || ExchangeAdministration.methods.contains(right.method.uppercased()),
            right.path == "*" || (right.path.hasPrefix("/") && right.path.utf8.count <= 300)
        else { throw ExchangeError.badRequest("A right names an HTTP method or *, and a path from / or *.") }
        try await store.grant(right)
    }

    static let methods: Set<String> = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    /// Lets the system holding API client `apiClientID`'s token call as subsystem `code` of this member.
    public func bind(subsystem code: String, apiClientID: String) async throws {
        guard XRoadClient.isValidPart(code) else { throw ExchangeError.invalidClient("Bad subsystem code \(code).") }
        try await store.bindLocalClient(subsystem: code, apiClientID: apiClientID)
    }

    /// Adds a subsystem to a global group (operator).
    public func addToGroup(_ code: String, member: XRoadClient) async throws {
        guard XRoadClient.isValidPart(code), member.subsystem != nil else {
            throw ExchangeError.invalidClient("A group holds subsystems.")
        }
        try await store.addToGroup(code, member: member.description)
        _ = try await publish()
    }

    /// Subscribes a member's service to the changes of one of this node's registries, sent from
    /// `publisher` (a subsystem of this member); `legalBasis` is why the subscriber may know.
    public func subscribe(registry: String, publisher: XRoadClient, subscriber: XRoadService, legalBasis: String)
        async throws -> Subscription
    {
        guard publisher.subsystem != nil else {
            throw ExchangeError.invalidClient("Events are sent from a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM.")
        }
        guard (1...63).contains(registry.count), registry.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            (3...300).contains(legalBasis.trimmingCharacters(in: .whitespacesAndNewlines).count)
        else { throw ExchangeError.badRequest("A subscription names a registry and a legal basis (3-300 characters).") }
        let subscription = Subscription(
            id: "sub-" + String(Secrets.token().prefix(10)), registry: registry, publisher: publisher,
            subscriber: subscriber, legalBasis: legalBasis.trimmingCharacters(in: .whitespacesAndNewlines),
            createdAt: clock.seconds)
        try await store.putSubscription(subscription)
        return subscription
    }

    public func subscriptions() async throws -> [Subscription] { try await store.subscriptions() }

    /// The members' requests, decided and waiting (operator).
    public func joinRequests() async throws -> [JoinRequest] { try await store.joinRequests() }

    /// Approves or refuses a member's request, and publishes the configuration that follows;
    /// false if the member never asked.
    public func decide(member: String, approve: Bool, by decider: String) async throws -> Bool {
        guard try await store.decideJoinRequest(member: member, approve: approve, by: decider, now: clock.seconds)
        else { return false }
        _ = try await publish()
        return true
    }

    /// The operator's key, if this database is the operator's.
    public func operatorKey() async throws -> NoteSigner? {
        guard let encoded = try await store.existingKey(role: "operator") else { return nil }
        return try NoteSigner(encoded: encoded)
    }

    /// Signs and stores a configuration of the approved members and the groups, one serial up;
    /// nil unless this database is the operator's.
    @discardableResult
    public func publish() async throws -> GlobalConfiguration? {
        guard let key = try await operatorKey(), let stored = try await store.existingKey(role: "member"),
            let member = XRoadClient(try NoteSigner(encoded: stored).name)
        else { return nil }
        let next = GlobalConfiguration(
            instance: member.instance, serial: (try await store.storedConfiguration()?.serial ?? 0) + 1,
            generatedAt: clock.seconds, members: try await store.approvedMembers(), groups: try await store.groups())
        _ = try await store.storeConfiguration(serial: next.serial, note: try next.signed(by: key), now: clock.seconds)
        return next
    }
}
