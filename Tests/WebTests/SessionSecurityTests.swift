import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// Forms that change something come from the platform's own pages in the signed-in person's own
/// session, and a browser holds one person's session at a time.
@Suite struct SessionSecurityTests {
    @Test(arguments: TestEngine.available)
    func aForgedTokenPairAndAForeignOriginAreRefused(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            _ = try await citizen.get("/cabinet")
            // An attacker who can plant a cookie plants a pair of their own: it is not the session's.
            var forged = citizen
            forged.cookies["tk_csrf"] = String(repeating: "a", count: 64)
            let planted = try await forged.post("/cabinet/organisations", form: ["inn": "", "name": ""])
            #expect(planted.status == .forbidden)
            // The session's own token works, from this site; the same form from another site does not.
            let own = try await citizen.post("/cabinet/organisations", form: ["inn": "", "name": ""])
            #expect(own.status == .unprocessableContent, "the form's own errors: the token passed")
            let body = "inn=&name=&_csrf=\(citizen.csrf)"
            var headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example",
                .cookie: citizen.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            ]
            let foreign = try await client.executeRequest(
                uri: "/cabinet/organisations", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(foreign.status == .forbidden)
            headers[.origin] = nil
            headers[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let crossSite = try await client.executeRequest(
                uri: "/cabinet/organisations", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(crossSite.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func signingInEndsTheBrowsersEarlierSessionAndRenewsTheFormToken(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var browser = Browser(client)
            _ = try await browser.signIn(PortalTests.citizen)
            _ = try await browser.get("/cabinet")
            let first = (session: browser.cookies["tk_session"] ?? "", csrf: browser.csrf)
            _ = try await browser.signIn(PortalTests.otherCitizen)
            #expect(browser.csrf != first.csrf, "a new token with the new session")
            // The first person's session, as someone who kept its cookie would use it, is over.
            var kept = Browser(client)
            kept.cookies["tk_session"] = first.session
            let cabinet = try await kept.get("/cabinet")
            #expect(cabinet.status == .seeOther || cabinet.status == .found, "sent to sign in: \(cabinet.status)")
        }
    }
}
