import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App
@testable import Web

/// Requests made the way an attacker or a careless client makes them: none may end the process
/// (in Swift an overflow or a failed precondition ends every request in it), none may change
/// anything, and each gets a 4xx.
@Suite struct HostileInputTests {
    static let hostileNumbers = ["9223372036854775807", "-9223372036854775808", "1e400", "-0"]

    @Test(arguments: TestEngine.available)
    func everyNumberInARequestIsBoundedAndTheNodeStaysUp(engine: TestEngine) async throws {
        try await withApp(engine, setup: .live) { client, _ async throws in
            let token = try await RegistryWebTests.token(client, agency: "MOES", scopes: ["registry:read"])
            var admin = Browser(client)
            _ = try await admin.signIn(PortalTests.admin)
            for n in Self.hostileNumbers {
                let publicPaths = [
                    "/ledger/entries/\(n)", "/ledger/receipt/\(n)", "/ledger/proof/inclusion?index=\(n)&size=\(n)",
                    "/ledger/proof/consistency?from=\(n)&to=\(n)", "/ledger/tile/0/\(n)", "/ledger/tile/entries/\(n)",
                    "/ledger/tile/0/000.p/\(n)", "/ledger/tile/\(n)/000",
                ]
                for path in publicPaths {
                    let answer = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                    #expect((400..<500).contains(Int(answer.status.code)), "\(path): \(answer.status)")
                }
                for query in ["page=\(n)", "pageSize=\(n)", "page=\(n)&pageSize=\(n)"] {
                    let answer = try await RegistryWebTests.call(
                        client, .get, "/data/schools/1?\(query)", token: token, mediator: "KG/GOV/MOES/emis")
                    #expect((400..<500).contains(Int(answer.status.code)), "\(query): \(answer.status)")
                }
                let definition = try await admin.get("/admin/workflow/land-subsidy/\(n)")
                #expect((400..<500).contains(Int(definition.status.code)), "version \(n): \(definition.status)")
            }
            // Tiles far past the end of any log: 1000^6 * 256 would overflow.
            let far = try await client.executeRequest(
                uri: "/ledger/tile/0/x999/x999/x999/x999/x999/999", method: .get, headers: [:], body: nil)
            #expect((400..<500).contains(Int(far.status.code)))
            // Still up.
            let health = try await client.executeRequest(uri: "/healthz", method: .get, headers: [:], body: nil)
            #expect(health.status == .ok)
        }
    }

    @Test(arguments: TestEngine.available)
    func oversizedBodiesAreRefusedBeforeTheyAreRead(engine: TestEngine) async throws {
        try await withApp(engine, setup: .live) { client, _ async throws in
            let started = ContinuousClock.now
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 12 * 1024 * 1024)
            let boundary = "x-boundary"
            let verify = try await client.executeRequest(
                uri: "/verify", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: big)
            #expect(verify.status == .contentTooLarge)
            let form = try await client.executeRequest(
                uri: "/signin", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 1024 * 1024))
            #expect(form.status == .contentTooLarge)
            #expect(started.duration(to: .now) < .seconds(10), "refused early, not after reading and parsing")
        }
    }

    @Test(arguments: TestEngine.available)
    func theFirstCheckpointIsSignedBeforeTheServerAnswers(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let note = try await client.executeRequest(uri: "/ledger/checkpoint", method: .get, headers: [:], body: nil)
            #expect(note.status == .ok)
            #expect(note.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test(arguments: TestEngine.available)
    func everyAnswerCarriesTheSecurityHeaders(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            for uri in ["/", "/signin", "/healthz", "/ledger/checkpoint", "/no-such-page", "/static/style.css"] {
                let answer = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                let policy = answer.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "\(uri)")
                #expect(answer.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(uri)")
            }
        }
    }
}
