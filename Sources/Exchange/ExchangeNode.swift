import Core
import Crypto
import Foundation
import Ledger
import Logging
import Registries
import Storage

/// One node of the exchange layer: the security server of its member. It relays its own
/// systems' calls to other members' nodes (`relay`), answers other nodes' calls to its member's
/// services (`answer`), keeps the global configuration it trusts, and on the operator's node
/// publishes that configuration and takes members' requests to join.
public struct ExchangeNode: Sendable {
    public let settings: ExchangeSettings
    /// This node's member (`settings.member`, checked).
    public let member: XRoadClient
    let store: any ExchangeStore
    let transport: any ExchangeTransport
    let registries: RegistryService
    let clock: Clock
    let logger: Logger
    /// The member's signing key: requests this node sends and responses it gives are signed with it.
    let signer: NoteSigner
    /// The key every global configuration must be signed with.
    public let operatorKey: NoteVerifier
    /// The key message bodies are encrypted with in the log, when the node keeps them (bytes, so
    /// that the node is `Sendable`).
    let bodyKeyBytes: Data?
    var bodyKey: SymmetricKey? { bodyKeyBytes.map { SymmetricKey(data: $0) } }

    let configuration = ConfigurationHolder()
    /// The ledger, followed to publish registry changes.
    let ledger: LedgerService
    /// The platform's outbox, from which events go out.
    let outbox: OutboxStore
    /// What each message looks up, kept 2 seconds: at hundreds of messages a second each would
    /// otherwise be three more reads of the database. A change made by the command line takes
    /// effect within 2 seconds.
    let localClients = TTLCache<String, String?>(lifetime: .seconds(2))
    let services = TTLCache<XRoadService, ProvidedService?>(lifetime: .seconds(2))
    let rights = TTLCache<XRoadService, [AccessRight]>(lifetime: .seconds(2))
    /// The request hashes this node answered lately: a signed request sent again unchanged is a
    /// replay (a client that retries signs afresh, with a new time, so a new hash).
    let answered = TTLCache<String, Bool>(
        lifetime: .seconds(ExchangeNode.signatureWindowSeconds + 60), capacity: 200_000)

    /// Opens the node: its keys (made and stored on first start), the configuration it last
    /// trusted, and on the operator's node its own entry and a fresh configuration.
    public static func open(
        settings: ExchangeSettings, store: any ExchangeStore, transport: any ExchangeTransport,
        registries: RegistryService, ledger: LedgerService, clock: Clock, logger: Logger
    ) async throws -> ExchangeNode? {
        guard let configured = settings.member else { return nil }
        guard let member = XRoadClient(configured), member.subsystem == nil else {
            throw ExchangeError.invalidClient("The node's member is INSTANCE/CLASS/CODE, without a subsystem.")
        }
        let signer = try NoteSigner(
            encoded: try await store.key(
                role: "member", make: { NoteSigner(name: member.description).encoded }, now: clock.seconds))
        let operatorKey: NoteVerifier
        if settings.isOperator {
            let key = try NoteSigner(
                encoded: try await store.key(
                    role: "operator", make: { NoteSigner(name: "\(member.instance)-exchange-operator").encoded },
                    now: clock.seconds))
            operatorKey = key.verifier
        } else {
            guard let encoded = settings.operatorKey else {
                throw ExchangeError.outdatedGlobalConfiguration
            }
            operatorKey = try NoteVerifier(encoded: encoded)
        }
        var bodyKey: Data?
        if settings.keepBodies {
            let stored = try await store.key(
                role: bodiesRole,
                make: { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } },
                now: clock.seconds)
            bodyKey = Data(base64Encoded: stored)
        }
        // Kept for evidence packages, which name the key the configuration was checked with.
        try await store.putKey(role: operatorPublicRole, value: operatorKey.encoded, now: clock.seconds)
        let node = ExchangeNode(
            settings: settings, member: member, store: store, transport: transport, registries: registries,
            clock: clock, logger: logger, signer: signer, operatorKey: operatorKey, bodyKeyBytes: bodyKey,
            ledger: ledger,
            outbox: OutboxStore(database: ledger.database, clock: clock))
        if settings.isOperator {
            try await store.putApprovedMember(try await node.ownEntry(), now: clock.seconds)
            if let configuration = try await ExchangeAdministration(store: store, clock: clock).publish() {
                await node.configuration.replace(with: configuration)
            }
        } else {
            try await node.loadStoredConfiguration()
        }
        return node
    }

    /// This member's entry as it should stand in the global configuration.
    func ownEntry() async throws -> GlobalConfiguration.Member {
        let subsystems = Set(try await store.localSubsystems())
            .union(try await store.services().compactMap(\.id.provider.subsystem))
        return GlobalConfiguration.Member(
            id: member.description, name: settings.memberName, address: settings.address,
            key: signer.verifier.encoded, subsystems: subsystems.sorted())
    }

    /// The configuration in force, or nil if this node has none it trusts yet.
    public func currentConfiguration() async -> GlobalConfiguration? { await configuration.value }

    func loadStoredConfiguration() async throws {
        guard let stored = try await store.storedConfiguration() else { return }
        await configuration.replace(with: try GlobalConfiguration.open(stored.note, operatorKey: operatorKey))
    }

    // MARK: the operator's node

    /// The signed configuration as this node holds it (what `/exchange/globalconf` serves).
    public func signedConfiguration() async throws -> String? { try await store.storedConfiguration()?.note }

    /// Takes a member's signed request to join (or to change its entry): the note must be signed
    /// by the very key it asks to register, so nobody can enrol another's key.
    public func receiveJoinRequest(_ note: String) async throws {
        guard settings.isOperator else { throw ExchangeError.badRequest("This node is not the operator's.") }
        let lines = note.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard note.utf8.count <= 16_384, lines.count == 3, lines[0] == Self.joinHeader,
            let entry = try? JSONDecoder().decode(GlobalConfiguration.Member.self, from: Data(lines[1].utf8)),
            let id = XRoadClient(entry.id), id.subsystem == nil, id.instance == member.instance,
            (1...200).contains(entry.name.count),
            entry.address.hasPrefix("http://") || entry.address.hasPrefix("https://"),
            entry.address.utf8.count <= 300, entry.subsystems.count <= 100,
            entry.subsystems.allSatisfy(XRoadClient.isValidPart),
            let key = try? NoteVerifier(encoded: entry.key), key.name == entry.id,
            (try? key.open(note)) != nil
        else { throw ExchangeError.badRequest("Not a join request signed by the key it registers.") }
        // Anyone can make a key and ask: a flood of made-up members must not fill the list.
        let waiting = try await store.joinRequests().filter { $0.status == "pending" }
        guard waiting.count < Self.pendingLimit || waiting.contains(where: { $0.member.id == entry.id }) else {
            throw ExchangeError.badRequest("Too many requests to join are waiting; try again later.")
        }
        try await store.putJoinRequest(JoinRequest(member: entry, status: "pending", requestedAt: clock.seconds))
    }

    static let joinHeader = "tazakoom-exchange-join/1"

    // MARK: every other node

    /// Fetches the configuration from the operator (keeping it only if it verifies and is newer)
    /// and, when this member's entry in it is missing or out of date, asks to join again.
    /// On the operator's node, reads what another process (the CLI) may have published.
    public func refresh() async {
        do {
            guard let operatorAddress = settings.operatorAddress, !settings.isOperator else {
                // The operator's own entry follows its services and systems without asking anyone.
                let own = try await ownEntry()
                if try await store.approvedMembers().first(where: { $0.id == own.id }) != own {
                    try await store.putApprovedMember(own, now: clock.seconds)
                    try await ExchangeAdministration(store: store, clock: clock).publish()
                }
                try await loadStoredConfiguration()
                return
            }
            let answer = try await transport.send(
                ExchangeMessage(method: "GET"), to: operatorAddress + "/exchange/globalconf",
                timeoutSeconds: settings.timeoutSeconds, maxBodyBytes: 4 << 20)
            guard answer.status == 200, let note = String(bytes: answer.body, encoding: .utf8) else {
                throw ExchangeError.outdatedGlobalConfiguration
            }
            let fetched = try GlobalConfiguration.open(note, operatorKey: operatorKey)
            if try await store.storeConfiguration(serial: fetched.serial, note: note, now: clock.seconds) {
                await configuration.replace(with: fetched)
                logger.info("new exchange configuration", metadata: ["serial": "\(fetched.serial)"])
            }
            let own = try await ownEntry()
            if await configuration.value?.members.first(where: { $0.id == own.id }) != own {
                try await askToJoin(own, operatorAddress: operatorAddress)
            }
        } catch {
            logger.warning("exchange configuration not refreshed", metadata: ["error": "\(error)"])
        }
    }

    func askToJoin(_ entry: GlobalConfiguration.Member, operatorAddress: String) async throws {
        let note = try signer.sign(Self.joinHeader + "\n" + entry.canonicalJSON() + "\n")
        _ = try await transport.send(
            ExchangeMessage(method: "POST", headers: [.init("Content-Type", "text/plain")], body: Array(note.utf8)),
            to: operatorAddress + "/exchange/join", timeoutSeconds: settings.timeoutSeconds, maxBodyBytes: 65_536)
    }

    static let registryBackend = "registry:"
    /// Requests to join that may wait for the operator at once.
    static let pendingLimit = 1_000
    static let bodiesRole = "bodies"
    static let operatorPublicRole = "operator-public"
}

/// The global configuration a node trusts now.
actor ConfigurationHolder {
    private(set) var value: GlobalConfiguration?

    func replace(with configuration: GlobalConfiguration) {
        if let value, value.serial > configuration.serial { return }
        value = configuration
    }
}
