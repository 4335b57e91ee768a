import Core
import Exchange
import Foundation
import Identity
import Registries
import Storage
import TestSupport
import Testing

/// A change of a resident's address in the population registry reaches the tax service's system
/// as a signed exchange message, at least once, and is in the resident's "who looked at my data".
@Suite struct PublishingTests {
    /// What the tax service's own system received, and whether it answers.
    final class TaxSystem: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [String] = []
        private var failing = false
        var events: [String] { lock.withLock { received } }
        func fail(_ on: Bool) { lock.withLock { failing = on } }
        func take(_ body: [UInt8]) -> Int {
            lock.withLock {
                if failing { return 503 }
                received.append(String(decoding: body, as: UTF8.self))
                return 204
            }
        }
    }

    static let events = XRoadService("KG/GOV/70000002/TAXSYS/events")!
    static let registrar = RegistryCaller.system(
        APIClient(
            id: "c-srs", name: "SRS system", agencyCode: "SRS", scopes: [.registryWrite, .registryRead], createdAt: 0,
            createdBy: "test", revokedAt: nil), application: "KG/GOV/SRS/registrar")

    @Test(arguments: TestEngine.available)
    func aChangeReachesTheSubscriberAtLeastOnce(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            // The tax service offers an events service to the registration service's POPULATION subsystem.
            let taxSystem = TaxSystem()
            fixture.network.route("http://taxsystem/") { request, _ in
                ExchangeMessage(status: taxSystem.take(request.body))
            }
            fixture.network.route("http://client/exchange/in/") { request, url in
                let (target, query) = ExchangeFixture.split(url, after: "http://client/exchange/in/")
                return await fixture.client.answer(request, target: target, query: query)
            }
            let taxAdmin = ExchangeAdministration(store: fixture.clientStore, clock: .system)
            try await taxAdmin.offer(
                ProvidedService(
                    id: Self.events, backend: "http://taxsystem/events", agencyCode: "STS", openAPI: "", createdAt: 0))
            try await taxAdmin.grant(
                AccessRight(service: Self.events, grantee: "KG/GOV/70000001/POPULATION", method: "POST"))
            let subscription = try await fixture.providerAdmin.subscribe(
                registry: "population", publisher: XRoadClient("KG/GOV/70000001/POPULATION")!,
                subscriber: Self.events, legalBasis: "Tax Code, art. 84 (taxpayer's address)")
            // Changes made before now were published already: only new ones go out.
            try await fixture.provider.publishChanges()
            try await fixture.provider.deliverEvents()
            #expect(taxSystem.events.isEmpty)

            // A resident moves; the tax system is down at first.
            taxSystem.fail(true)
            _ = try await fixture.registries.update(
                "population", version: "1", match: ["pin": .string(ExchangeFixture.resident)],
                changes: ["address": "Бишкек, Чүй проспекти, 100"], by: Self.registrar, reason: "moved")
            #expect(try await fixture.provider.publishChanges() == 1)
            #expect(try await fixture.provider.deliverEvents() == 0)
            #expect(try await fixture.provider.publishChanges() == 0, "queued once")
            taxSystem.fail(false)
            #expect(try await fixture.provider.deliverEvents() == 1, "retried, then delivered")
            #expect(try await fixture.provider.deliverEvents() == 0, "delivered once it succeeded")
            let event = try JSONDecoder().decode(
                RegistryChangeEvent.self, from: Data(try #require(taxSystem.events.first).utf8))
            #expect(event.registry == "population" && event.key == ExchangeFixture.resident)
            #expect(event.change == "updated" && event.subscription == subscription.id)
            // The resident sees that the tax service learned of the change, and why.
            let log = try await fixture.registries.accessLog(pin: ExchangeFixture.resident)
            #expect(
                log.contains { $0.readerName == "State Tax Service" && $0.legalBasis.hasPrefix("Tax Code, art. 84") })

            // Five failures make a dead letter; it can be queued again.
            taxSystem.fail(true)
            _ = try await fixture.registries.update(
                "population", version: "1", match: ["pin": .string(ExchangeFixture.resident)],
                changes: ["address": "Ош, Ленин көчөсү, 1"], by: Self.registrar, reason: "moved again")
            try await fixture.provider.publishChanges()
            for _ in 0..<5 { #expect(try await fixture.provider.deliverEvents() == 0) }
            let dead = try await fixture.provider.deadLetters()
            #expect(dead.count == 1 && dead.first?.attempts == 5)
            taxSystem.fail(false)
            #expect(try await fixture.provider.retryDeadLetter(id: try #require(dead.first?.message.id)))
            #expect(try await fixture.provider.deliverEvents() == 1)
            #expect(taxSystem.events.count == 2)
        }
    }
}
