import Core
import Exchange
import Foundation
import Identity
import Ledger
import Registries
import Storage
import TestSupport
import Testing

/// Two nodes of the exchange on two real databases of one engine, joined by an in-process
/// transport: the registration service's node (operator and provider of the population
/// registry) and the tax service's node (client). `tamper` alters messages in transit.
struct ExchangeFixture {
    let provider: ExchangeNode
    let client: ExchangeNode
    let providerAdmin: ExchangeAdministration
    let providerStore: SQLExchangeStore
    let clientStore: SQLExchangeStore
    let providerLedger: LedgerService
    let clientLedger: LedgerService
    let registries: RegistryService
    let network: Network

    static let registration = "KG/GOV/70000001"
    static let tax = "KG/GOV/70000002"
    static let people = XRoadService("KG/GOV/70000001/POPULATION/people")!
    static let taxSystem = "KG/GOV/70000002/TAXSYS"
    static let taxSystemToken = "client-taxsys"
    static let resident = "11207199000417"

    /// Where the fixture's messages go, and what it does to them on the way.
    final class Network: ExchangeTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var routes: [String: @Sendable (ExchangeMessage, String) async throws -> ExchangeMessage] = [:]
        private var alter: (@Sendable (inout ExchangeMessage, Bool) -> Void)?

        func route(
            _ prefix: String, _ handler: @escaping @Sendable (ExchangeMessage, String) async throws -> ExchangeMessage
        ) {
            lock.withLock { routes[prefix] = handler }
        }

        /// `change(&message, isResponse)` runs on every message in transit until cleared.
        func tamper(_ change: (@Sendable (inout ExchangeMessage, Bool) -> Void)?) { lock.withLock { alter = change } }

        func send(_ request: ExchangeMessage, to url: String, timeoutSeconds: Int, maxBodyBytes: Int) async throws
            -> ExchangeMessage
        {
            let (handler, change) = lock.withLock {
                (routes.first { url.hasPrefix($0.key) }?.value, alter)
            }
            guard let handler else { throw ExchangeTransportError.unreachable(url) }
            var request = request
            change?(&request, false)
            var response = try await handler(request, url)
            change?(&response, true)
            return response
        }
    }

    static func with(_ engine: TestEngine, _ body: (ExchangeFixture) async throws -> Void) async throws {
        let migrations =
            OutboxStore.migrations + LedgerMigrations.all + IdentityMigrations.all + RegistryMigrations.all
            + ExchangeMigrations.all
        try await engine.withDatabase(migrations: migrations) { providerDatabase in
            try await engine.withDatabase(migrations: migrations) { clientDatabase in
                try await DemoData.ensureReferenceData(providerDatabase)
                let providerLedger = try await LedgerService.open(providerDatabase, origin: "provider.test/ledger")
                let clientLedger = try await LedgerService.open(clientDatabase, origin: "client.test/ledger")
                let registries = RegistryService(
                    store: SQLRegistryStore(database: providerDatabase, ledger: providerLedger), clock: .system)
                let importer = RegistryImporter(
                    database: providerDatabase, ledger: providerLedger, registries: registries)
                try await DemoRegistries.ensureRegistries(registries)
                try await DemoRegistries.seed(providerDatabase, importer: importer, size: 5, logger: TestLog.quiet)
                let clientRegistries = RegistryService(
                    store: SQLRegistryStore(database: clientDatabase, ledger: clientLedger), clock: .system)

                let network = Network()
                let providerStore = SQLExchangeStore(database: providerDatabase, ledger: providerLedger)
                let clientStore = SQLExchangeStore(database: clientDatabase, ledger: clientLedger)
                let providerAdmin = ExchangeAdministration(store: providerStore, clock: .system)
                try await providerStore.putService(
                    ProvidedService(
                        id: people, backend: "registry:population", agencyCode: "SRS",
                        openAPI: "openapi: 3.0.0\npaths:\n  /{version}/{pin}:\n    get: {}\n", createdAt: 0))
                try await providerAdmin.grant(AccessRight(service: people, grantee: taxSystem, method: "GET"))
                let provider = try await ExchangeNode.open(
                    settings: ExchangeSettings(
                        member: registration, memberName: "State Registration Service", address: "http://provider",
                        isOperator: true, keepBodies: true),
                    store: providerStore, transport: network, registries: registries, ledger: providerLedger,
                    clock: .system,
                    logger: TestLog.quiet)!
                try await ExchangeAdministration(store: clientStore, clock: .system).bind(
                    subsystem: "TAXSYS", apiClientID: taxSystemToken)
                let client = try await ExchangeNode.open(
                    settings: ExchangeSettings(
                        member: tax, memberName: "State Tax Service", address: "http://client",
                        operatorAddress: "http://provider", operatorKey: provider.operatorKey.encoded),
                    store: clientStore, transport: network, registries: clientRegistries, ledger: clientLedger,
                    clock: .system,
                    logger: TestLog.quiet)!
                network.route("http://provider/exchange/in/") { request, url in
                    let (target, query) = split(url, after: "http://provider/exchange/in/")
                    return await provider.answer(request, target: target, query: query)
                }
                network.route("http://provider/exchange/globalconf") { _, _ in
                    ExchangeMessage(status: 200, body: Array((try await provider.signedConfiguration() ?? "").utf8))
                }
                network.route("http://provider/exchange/join") { request, _ in
                    try await provider.receiveJoinRequest(String(decoding: request.body, as: UTF8.self))
                    return ExchangeMessage(status: 202)
                }
                // The client asks to join, the operator approves, the client fetches the result.
                await client.refresh()
                #expect(try await providerAdmin.decide(member: tax, approve: true, by: "agency:SRS"))
                await provider.refresh()
                await client.refresh()
                try await body(
                    ExchangeFixture(
                        provider: provider, client: client, providerAdmin: providerAdmin, providerStore: providerStore,
                        clientStore: clientStore, providerLedger: providerLedger, clientLedger: clientLedger,
                        registries: registries, network: network))
            }
        }
    }

    static func split(_ url: String, after prefix: String) -> (String, String) {
        let rest = String(url.dropFirst(prefix.count))
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count == 2 ? String(parts[1]) : "")
    }

    /// A call of the tax system to its own node.
    func call(
        _ target: String, query: String = "purpose=Tax%20Code%2C%20art.%2045", method: String = "GET",
        headers: [ExchangeMessage.Header] = [.init("X-Road-Client", taxSystem)], body: [UInt8] = [],
        caller: String? = taxSystemToken
    ) async -> ExchangeMessage {
        await client.relay(
            ExchangeMessage(method: method, headers: headers, body: body), target: target, query: query,
            callerClientID: caller)
    }

    static var resident1Path: String { "\(people)/1/\(resident)" }

    var taxSystem: String { Self.taxSystem }
    var taxSystemToken: String { Self.taxSystemToken }
}
