import Core
import Exchange
import Foundation
import Ledger
import Registries
import TestSupport
import Testing

/// The tax service's system reads the population registry of the registration service through
/// both nodes, on each engine; every refusal carries X-Road's error type and is logged.
@Suite struct ExchangeRelayTests {
    @Test(arguments: TestEngine.available)
    func aSystemReadsAnotherAgencysRegistryThroughBothNodes(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            let answer = await fixture.call(
                ExchangeFixture.resident1Path,
                headers: [
                    .init("X-Road-Client", fixture.taxSystem), .init("X-Road-Id", "msg-1"),
                    .init("X-Road-Issue", "TAX-2026-17"),
                ])
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            #expect(answer["X-Road-Error"] == nil)
            #expect(answer["X-Road-Id"] == "msg-1")
            #expect(answer["X-Road-Request-Hash"]?.isEmpty == false)
            #expect(String(decoding: answer.body, as: UTF8.self).contains(ExchangeFixture.resident))

            // Both sides logged it, with the same request hash, each in its own ledger.
            let sent = try await fixture.clientStore.messages(messageID: "msg-1")
            let received = try await fixture.providerStore.messages(messageID: "msg-1")
            #expect(sent.map(\.side) == ["client"] && received.map(\.side) == ["provider"])
            #expect(sent.first?.requestHash == received.first?.requestHash)
            #expect(sent.first?.requestHash == answer["X-Road-Request-Hash"])
            #expect(sent.first?.responseDigest == received.first?.responseDigest)
            for (record, ledger) in [(sent.first, fixture.clientLedger), (received.first, fixture.providerLedger)] {
                let index = try #require(record?.ledgerIndex)
                let entry = try await ledger.entry(at: index).event
                #expect(entry.kind == "exchange.message")
                let details = try #require(record?.ledgerDetails)
                let expected = try LedgerEventDigest.of(details)
                #expect(entry.details == expected)
            }

            // The person sees the tax service's read, with its purpose.
            let log = try await fixture.registries.accessLog(pin: ExchangeFixture.resident)
            let read = try #require(log.first { $0.application == fixture.taxSystem })
            #expect(read.readerName == "State Tax Service")
            #expect(read.legalBasis == "Tax Code, art. 45")
        }
    }

    @Test(arguments: TestEngine.available)
    func aSubsystemWithoutTheRightIsRefused(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            try await ExchangeAdministration(store: fixture.clientStore, clock: .system).bind(
                subsystem: "OTHERSYS", apiClientID: "client-other")
            await fixture.client.refresh()  // asks to add OTHERSYS to its entry
            #expect(
                try await fixture.providerAdmin.decide(member: ExchangeFixture.tax, approve: true, by: "agency:SRS"))
            await fixture.provider.refresh()
            await fixture.client.refresh()
            let answer = await fixture.call(
                ExchangeFixture.resident1Path, headers: [.init("X-Road-Client", "KG/GOV/70000002/OTHERSYS")],
                caller: "client-other")
            #expect(answer.status == 500)
            #expect(answer["X-Road-Error"] == "Server.ServerProxy.AccessDenied")
            // A method the right does not name is refused too.
            let post = await fixture.call(ExchangeFixture.resident1Path, method: "POST", body: Array("{}".utf8))
            #expect(post["X-Road-Error"] == "Server.ServerProxy.AccessDenied")
        }
    }

    @Test(arguments: TestEngine.available)
    func alterationsInTransitAreDetected(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            // The request's path changed on the way: the provider's node refuses it.
            fixture.network.tamper { message, isResponse in
                if !isResponse { message.headers.removeAll { $0.name == "X-Road-Issue" } }
            }
            let request = await fixture.call(
                ExchangeFixture.resident1Path,
                headers: [
                    .init("X-Road-Client", fixture.taxSystem), .init("X-Road-Issue", "TAX-1"),
                ])
            #expect(request["X-Road-Error"] == "Server.ServerProxy.InvalidSignatureValue")
            // One byte of the answer changed on the way: the client's node refuses it.
            fixture.network.tamper { message, isResponse in
                if isResponse, !message.body.isEmpty { message.body[message.body.count / 2] ^= 0x01 }
            }
            let response = await fixture.call(ExchangeFixture.resident1Path)
            #expect(response.status == 500)
            #expect(response["X-Road-Error"] == "Server.ClientProxy.InvalidSignatureValue")
            #expect(!String(decoding: response.body, as: UTF8.self).contains(ExchangeFixture.resident))
            fixture.network.tamper(nil)
            // A configuration signed by another key is not taken.
            let forged = GlobalConfiguration(
                instance: "KG", serial: 999, generatedAt: 0, members: [], groups: [])
            let note = try forged.signed(by: NoteSignerForTests.other)
            #expect(throws: (any Error).self) {
                try GlobalConfiguration.open(note, operatorKey: fixture.client.operatorKey)
            }
            fixture.network.route("http://provider/exchange/globalconf") { _, _ in
                ExchangeMessage(status: 200, body: Array(note.utf8))
            }
            await fixture.client.refresh()
            #expect(await fixture.client.currentConfiguration()?.serial != 999)
        }
    }

    @Test(arguments: TestEngine.available)
    func badCallsAreAnsweredWithXRoadErrorsAndLogged(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            let cases: [(String, [ExchangeMessage.Header], String?, String)] = [
                (ExchangeFixture.resident1Path, [], fixture.taxSystemToken, "Client.MissingHeaderField"),
                (
                    ExchangeFixture.resident1Path, [.init("X-Road-Client", "KG/GOV")], fixture.taxSystemToken,
                    "Client.InvalidClientIdentifier"
                ),
                (
                    ExchangeFixture.resident1Path, [.init("X-Road-Client", "KG/GOV/70000002/TAX;SYS")],
                    fixture.taxSystemToken, "Client.InvalidClientIdentifier"
                ),
                (
                    ExchangeFixture.resident1Path, [.init("X-Road-Client", fixture.taxSystem)], nil,
                    "Server.ClientProxy.AccessDenied"
                ),
                (
                    "KG/GOV/70000001/POPULATION", [.init("X-Road-Client", fixture.taxSystem)], fixture.taxSystemToken,
                    "Client.BadRequest"
                ),
                (
                    "KG/GOV/70000001/POPULATION/people/../../x", [.init("X-Road-Client", fixture.taxSystem)],
                    fixture.taxSystemToken, "Client.BadRequest"
                ),
                (
                    "KG/GOV/79999999/POPULATION/people/1/x", [.init("X-Road-Client", fixture.taxSystem)],
                    fixture.taxSystemToken, "Server.ClientProxy.UnknownMember"
                ),
                (
                    "KG/GOV/70000001/POPULATION/nothing/1", [.init("X-Road-Client", fixture.taxSystem)],
                    fixture.taxSystemToken, "Server.ServerProxy.UnknownService"
                ),
                (
                    ExchangeFixture.resident1Path,
                    [.init("X-Road-Client", fixture.taxSystem), .init("X-Road-UserId", "a\nb")],
                    fixture.taxSystemToken, "Client.BadRequest"
                ),
            ]
            for (index, (target, headers, caller, expected)) in cases.enumerated() {
                let id = "bad-\(index)"
                let answer = await fixture.call(
                    target, headers: headers + [.init("X-Road-Id", id)], caller: caller)
                #expect(
                    answer["X-Road-Error"] == expected, "case \(index): \(String(decoding: answer.body, as: UTF8.self))"
                )
                #expect(answer.status == (expected.hasPrefix("Client.") ? 400 : 500))
                let body = try JSONDecoder().decode([String: String].self, from: Data(answer.body))
                #expect(body["type"] == expected && body["detail"] == id)
                let logged = try await fixture.clientStore.messages(messageID: id)
                #expect(logged.first?.error == expected, "case \(index) logged")
            }
            // A message about a person without a purpose is refused.
            let noPurpose = await fixture.call(
                ExchangeFixture.resident1Path, query: "",
                headers: [
                    .init("X-Road-Client", fixture.taxSystem), .init("X-Road-UserId", "KG" + ExchangeFixture.resident),
                ])
            #expect(noPurpose["X-Road-Error"] == "Client.BadRequest")
            // A provider's node that cannot be reached, or answers too late.
            fixture.network.route("http://provider/exchange/in/") { _, _ in throw ExchangeTransportError.timedOut }
            let late = await fixture.call(ExchangeFixture.resident1Path)
            #expect(late["X-Road-Error"] == "Server.ClientProxy.NetworkError")
        }
    }

    @Test(arguments: TestEngine.available)
    func directoryServicesDescribeWhatIsOfferedAndAllowed(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            let clients = String(decoding: await fixture.client.listClients() ?? [], as: UTF8.self)
            #expect(
                clients.contains("\"subsystem_code\":\"TAXSYS\"") && clients.contains("\"member_code\":\"70000001\""))
            for code in ["listMethods", "allowedMethods"] {
                let answer = await fixture.call("KG/GOV/70000001/POPULATION/\(code)", query: "")
                let text = String(decoding: answer.body, as: UTF8.self)
                #expect(answer.status == 200, "\(code): \(text)")
                #expect(
                    text.contains("\"service_code\":\"people\"") && text.contains("\"path\":\"/*/*\""),
                    "\(code): \(text)")
            }
            let openAPI = await fixture.call("KG/GOV/70000001/POPULATION/getOpenAPI", query: "serviceCode=people")
            #expect(String(decoding: openAPI.body, as: UTF8.self).hasPrefix("openapi: 3.0.0"))
        }
    }
}

extension ExchangeRelayTests {
    @Test(arguments: TestEngine.available)
    func aSignedRequestSentAgainIsRefusedAsAReplay(engine: TestEngine) async throws {
        try await ExchangeFixture.with(engine) { fixture in
            // Keep a copy of what the client's node sends, as an eavesdropper on the way would.
            let captured = Captured()
            fixture.network.tamper { message, isResponse in
                if !isResponse { captured.keep(message) }
            }
            let first = await fixture.call(ExchangeFixture.resident1Path)
            #expect(first.status == 200)
            fixture.network.tamper(nil)
            let copy = try #require(captured.message)
            let (target, query) = (ExchangeFixture.resident1Path, "purpose=Tax%20Code%2C%20art.%2045")
            let replayed = await fixture.provider.answer(copy, target: target, query: query)
            #expect(replayed["X-Road-Error"] == "Server.ServerProxy.InvalidSignatureValue")
            #expect(!String(decoding: replayed.body, as: UTF8.self).contains(ExchangeFixture.resident))
            // A retry through the client's node is signed afresh, and answered.
            #expect(await fixture.call(ExchangeFixture.resident1Path).status == 200)
        }
    }

    @Test func aFloodOfRequestsToJoinIsCapped() async throws {
        try await ExchangeFixture.with(.sqlite) { fixture in
            func request(_ n: Int) throws -> String {
                let id = "KG/GOV/8\(String(format: "%07d", n))"
                let key = NoteSigner(name: id)
                let entry = GlobalConfiguration.Member(
                    id: id, name: "Agency \(n)", address: "http://127.0.0.1:1", key: key.verifier.encoded,
                    subsystems: ["SYS"])
                return try key.sign("tazakoom-exchange-join/1\n" + entry.canonicalJSON() + "\n")
            }
            for n in 0..<1_000 { try await fixture.provider.receiveJoinRequest(try request(n)) }
            await #expect(throws: ExchangeError.self) {
                try await fixture.provider.receiveJoinRequest(try request(5_000))
            }
            // One that is waiting already may still change its request.
            try await fixture.provider.receiveJoinRequest(try request(1))
        }
    }
}

/// The last request seen on the way.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: ExchangeMessage?
    var message: ExchangeMessage? { lock.withLock { kept } }
    func keep(_ message: ExchangeMessage) { lock.withLock { kept = message } }
}
