import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import SQLKit
import Storage
import TestSupport
import Testing

@testable import Web

/// Officials and administrators: a password, then a code from their authenticator app.
@Suite struct SecondFactorWebTests {
    @Test(arguments: TestEngine.available)
    func anOfficialSetsUpTheAuthenticatorOnFirstSignInAndGetsRecoveryCodes(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            // A new official has no authenticator yet.
            let database = try await Database.open(
                try DatabaseLocation(url), logger: TestLog.quiet, connectionWait: .seconds(300))
            try await database.withConnection { sql in
                try await sql.raw("UPDATE accounts SET totp_secret = NULL WHERE pin = \(bind: PortalTests.admin)").run()
            }
            await database.shutdown()

            var admin = Browser(client)
            let password = try await admin.post(
                "/signin", form: ["pin": PortalTests.admin, "password": "demo-taza-koom", "next": "/admin/clients"])
            #expect(password.headers[.location] == "/signin/authenticator?next=%2Fadmin%2Fclients")
            // Nothing opens before the second factor, and the code page sends to the set-up.
            #expect(try await admin.get("/admin/clients").status == .seeOther)
            #expect(try await admin.get("/signin/code").headers[.location]?.hasPrefix("/signin/authenticator") == true)
            let setup = try await admin.get("/signin/authenticator?next=/admin/clients")
            #expect(setup.status == .ok && setup.headers[.cacheControl] == "no-store")
            let uri = try #require(PortalTests.matches(#"href="(otpauth://[^"]+)""#, in: setup.text).first)
            let secretText = try #require(PortalTests.matches(#"secret=([A-Z2-7]+)"#, in: uri).first)
            let secret = try #require(Base32.decode(secretText))

            let wrong = try await admin.post(
                "/signin/authenticator", form: ["code": "123456", "next": "/admin/clients"])
            #expect(wrong.status == .unauthorized && wrong.text.contains(#"id="code-error""#))
            let malformed = try await admin.post(
                "/signin/authenticator", form: ["code": "12", "next": "/admin/clients"])
            #expect(malformed.status == .unprocessableContent)

            let done = try await admin.post(
                "/signin/authenticator",
                form: [
                    "code": TOTP.code(secret: secret, step: TOTP.step(at: Clock.system.seconds)),
                    "next": "/admin/clients",
                ])
            #expect(done.status == .ok && done.headers[.cacheControl] == "no-store")
            let codes = PortalTests.matches(#"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>"#, in: done.text)
            #expect(codes.count == 10)
            #expect(done.text.contains(#"href="/admin/clients""#))
            #expect(try await admin.get("/admin/clients").status == .ok)

            // Next time: the password, then a recovery code (once).
            var again = Browser(client)
            let next = try await again.post("/signin", form: ["pin": PortalTests.admin, "password": "demo-taza-koom"])
            #expect(next.headers[.location] == "/signin/code?next=%2Fcabinet")
            let recovered = try await again.post("/signin/code", form: ["code": codes[0]])
            #expect(recovered.headers[.location] == "/cabinet")
            var thief = Browser(client)
            _ = try await thief.post("/signin", form: ["pin": PortalTests.admin, "password": "demo-taza-koom"])
            #expect(try await thief.post("/signin/code", form: ["code": codes[0]]).status == .unauthorized)
            #expect(try await thief.get("/admin/clients").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.available)
    func withoutAWaitingSessionTheSecondStepSendsBackToSignIn(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var visitor = Browser(client)
            #expect(try await visitor.get("/signin/code").headers[.location] == "/signin?next=%2Fcabinet")
            #expect(try await visitor.get("/signin/authenticator").headers[.location] == "/signin?next=%2Fcabinet")
            let posted = try await visitor.post("/signin/code", form: ["code": "123456", "next": "//evil.example"])
            #expect(posted.headers[.location] == "/signin?next=%2Fcabinet")
            // A citizen's full session is no waiting session either.
            _ = try await visitor.signIn(PortalTests.citizen)
            #expect(try await visitor.get("/signin/code").headers[.location]?.hasPrefix("/signin") == true)
        }
    }
}
