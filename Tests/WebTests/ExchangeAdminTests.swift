import Core
import Exchange
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing

@testable import App
@testable import Web

/// The administrator's page of an exchange node: only administrators see it; a member's request
/// to join is approved there (Post/Redirect/Get), and traffic shows as charts.
@Suite struct ExchangeAdminTests {
    static func operatorNode(_ configuration: inout AppConfiguration) {
        configuration.exchange = ExchangeSettings(
            member: "KG/GOV/70000001", memberName: "State Registration Service", address: "http://127.0.0.1:9",
            isOperator: true)
    }

    /// A join request signed with the key it registers, as a member's node sends it.
    static func joinRequest() throws -> String {
        let key = NoteSigner(name: "KG/GOV/70000002")
        let entry = GlobalConfiguration.Member(
            id: "KG/GOV/70000002", name: "State Tax Service", address: "http://127.0.0.1:10",
            key: key.verifier.encoded, subsystems: ["TAXSYS"])
        return try key.sign("tazakoom-exchange-join/1\n" + entry.canonicalJSON() + "\n")
    }

    @Test(arguments: TestEngine.available)
    func onlyAdministratorsSeeThePage(engine: TestEngine) async throws {
        try await withApp(engine, configure: Self.operatorNode) { client, _ in
            var anonymous = Browser(client)
            let away = try await anonymous.get(Route.adminExchange.rawValue)
            #expect(away.status == .seeOther || away.status == .found || away.status == .unauthorized)
            var citizen = Browser(client)
            try await citizen.signIn(PortalTests.citizen)
            #expect(try await citizen.get(Route.adminExchange.rawValue).status == .forbidden)
            let refused = try await citizen.post(
                Route.adminExchangeDecide.rawValue, form: ["member": "KG/GOV/70000002", "decision": "approve"])
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func anAdministratorApprovesAMemberAndSeesTraffic(engine: TestEngine) async throws {
        try await withApp(engine, configure: Self.operatorNode) { client, _ in
            let join = try await client.execute(
                uri: Route.exchangeJoin.rawValue, method: .post, body: ByteBuffer(string: try Self.joinRequest()))
            #expect(join.status == .accepted)
            // A forged request (signed by another key than the one it registers) is refused.
            let forged = try Self.joinRequest().replacingOccurrences(of: "State Tax Service", with: "Tax Service")
            let refused = try await client.execute(
                uri: Route.exchangeJoin.rawValue, method: .post, body: ByteBuffer(string: forged))
            #expect(refused.status == .badRequest && refused.headers[.init("X-Road-Error")!] == "Client.BadRequest")
            // A call through this node that fails is still traffic (and logged).
            _ = try await client.execute(
                uri: "/r1/KG/GOV/70000009/X/y", method: .get, headers: [.init("X-Road-Client")!: "KG/GOV/70000001/SYS"])

            var admin = Browser(client)
            try await admin.signIn(PortalTests.admin)
            let page = try await admin.get(Route.adminExchange.rawValue)
            let text = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(text.contains("State Tax Service") && text.contains("TAXSYS"), "the request is listed")
            #expect(text.contains("<svg"), "traffic as a chart")
            let decided = try await admin.post(
                Route.adminExchangeDecide.rawValue, form: ["member": "KG/GOV/70000002", "decision": "approve"])
            #expect(decided.status == .seeOther)
            let after = String(buffer: try await admin.get(Route.adminExchange.rawValue).body)
            #expect(after.contains("The member was approved"))
            let configuration = try await client.execute(uri: Route.exchangeGlobalConfiguration.rawValue, method: .get)
            #expect(String(buffer: configuration.body).contains("KG/GOV/70000002"))
            // A decision on a member that never asked is refused; an unknown decision too.
            #expect(
                try await admin.post(
                    Route.adminExchangeDecide.rawValue, form: ["member": "KG/GOV/79999999", "decision": "approve"]
                ).status == .notFound)
            #expect(
                try await admin.post(
                    Route.adminExchangeDecide.rawValue, form: ["member": "KG/GOV/70000002", "decision": "maybe"]
                ).status == .unprocessableContent)
        }
    }
}
