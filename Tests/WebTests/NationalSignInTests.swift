import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import NIOCore
import TestSupport
import Testing

@testable import Web

/// A small OpenID Connect provider standing in for the national identification system (an outside
/// system we cannot run): discovery, keys, and a token endpoint that checks PKCE. The test plays
/// the person at the provider by asking it for a code directly.
actor FakeProvider {
    struct Grant {
        var pin: String
        var nonce: String
        var challenge: String
        var audience: String
    }

    let key = P256.Signing.PrivateKey()
    /// A key the provider does not publish: tokens signed with it must be refused.
    let strangerKey = P256.Signing.PrivateKey()
    var grants: [String: Grant] = [:]
    var signWithStranger = false
    var base = ""

    /// A code for `pin`, as the provider gives one after the person signed in there.
    func code(pin: String, nonce: String, challenge: String, audience: String = "tazakoom") -> String {
        let code = Secrets.token()
        grants[code] = Grant(pin: pin, nonce: nonce, challenge: challenge, audience: audience)
        return code
    }

    func setSignWithStranger(_ value: Bool) { signWithStranger = value }
    func setBase(_ value: String) { base = value }

    func token(code: String, verifier: String) throws -> String? {
        guard let grant = grants.removeValue(forKey: code) else { return nil }
        let challenge = IDToken.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        guard challenge == grant.challenge else { return nil }
        let now = Int(Date().timeIntervalSince1970)
        let header = #"{"alg":"ES256","kid":"k1","typ":"JWT"}"#
        let payload = try JSONSerialization.data(withJSONObject: [
            "iss": base, "aud": grant.audience, "sub": "esia-\(grant.pin)", "pin": grant.pin, "nonce": grant.nonce,
            "iat": now, "exp": now + 300, "family_name": "Жаңыбаева", "given_name": "Нургүл",
        ])
        let signingInput = IDToken.base64URL(Data(header.utf8)) + "." + IDToken.base64URL(payload)
        let signer = signWithStranger ? strangerKey : key
        let signature = try signer.signature(for: Data(signingInput.utf8)).rawRepresentation
        return signingInput + "." + IDToken.base64URL(signature)
    }

    var jwks: String {
        let raw = key.publicKey.rawRepresentation
        return """
            {"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","use":"sig",\
            "x":"\(IDToken.base64URL(raw.prefix(32)))","y":"\(IDToken.base64URL(raw.suffix(32)))"}]}
            """
    }

    /// Runs the provider on a free port of loopback for the duration of `body`, given its base URL.
    static func serve(_ body: (FakeProvider, String) async throws -> Void) async throws {
        let provider = FakeProvider()
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ -> Response in
            let base = await provider.base
            return json(
                #"{"issuer":"\#(base)","authorization_endpoint":"\#(base)/authorize","token_endpoint":"\#(base)/token","jwks_uri":"\#(base)/jwks"}"#
            )
        }
        router.get("/jwks") { _, _ -> Response in json(await provider.jwks) }
        router.post("/token") { request, _ -> Response in
            let form = FormData(String(buffer: try await request.body.collect(upTo: 65_536)))
            guard form["grant_type"] == "authorization_code", form["client_id"] == "tazakoom",
                let token = try await provider.token(code: form["code"], verifier: form["code_verifier"])
            else {
                return Response(
                    status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_grant"}"#)))
            }
            return json(#"{"access_token":"x","token_type":"Bearer","id_token":"\#(token)"}"#)
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: TestLog.quiet)
        let running = Task { try await app.runService() }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let base = "http://127.0.0.1:\(port)"
        await provider.setBase(base)
        do {
            try await body(provider, base)
        } catch {
            running.cancel()
            throw error
        }
        running.cancel()
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

@Suite struct NationalSignInTests {
    /// The platform configured for the fake provider at `base`.
    static func configured(_ base: String) -> (inout AppConfiguration) -> Void {
        {
            $0.identityProvider = IdentityProviderSettings(
                issuer: base, clientID: "tazakoom", redirectURI: "http://127.0.0.1/signin/national/callback")
        }
    }

    /// Starts a sign-in and returns the parameters the platform sent to the provider.
    static func start(_ browser: inout Browser) async throws -> [String: String] {
        let answer = try await browser.get("/signin/national?next=/cabinet/applications")
        let location = try #require(answer.headers[.location])
        #expect(location.contains("/authorize?"))
        let items = URLComponents(string: location)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    static func callback(_ browser: inout Browser, code: String, state: String) async throws -> TestResponse {
        try await browser.get(
            "/signin/national/callback?code=\(Browser.encode(code))&state=\(Browser.encode(state))")
    }

    @Test(arguments: TestEngine.available)
    func aPersonSignsInThroughTheNationalProviderWithPKCE(engine: TestEngine) async throws {
        try await FakeProvider.serve { provider, base in
            try await withApp(engine, configure: Self.configured(base)) { client, url async throws in
                var browser = Browser(client)
                #expect(try await browser.get("/signin").text.contains(#"id="national-signin""#))
                let sent = try await Self.start(&browser)
                #expect(sent["code_challenge_method"] == "S256" && sent["response_type"] == "code")
                #expect(sent["client_id"] == "tazakoom" && sent["scope"] == "openid")
                let state = try #require(sent["state"])
                let nonce = try #require(sent["nonce"])
                let challenge = try #require(sent["code_challenge"])
                // A resident the platform has never seen: an account is opened, at substantial.
                let (pin, _) = try await AssuranceTests.unclaimedResident(in: url)
                let code = await provider.code(pin: pin, nonce: nonce, challenge: challenge)
                let back = try await Self.callback(&browser, code: code, state: state)
                #expect(back.headers[.location] == "/cabinet/applications")
                #expect(try await browser.get("/cabinet").text.contains(#"id="cabinet-assurance">Substantial<"#))
                // The same answer again (a replayed callback) signs nobody in.
                var other = Browser(client)
                let replay = try await Self.callback(&other, code: code, state: state)
                #expect(replay.headers[.location]?.contains("failed=error_national_unknown_login") == true)
                #expect(
                    try await other.get("/signin?failed=error_national_unknown_login").text.contains(
                        "did not start here"))
                #expect(other.cookies["tk_session"] == nil)

                // Signing in this way ends the browser's earlier session, as a password sign-in does.
                var shared = Browser(client)
                _ = try await shared.signIn(PortalTests.citizen)
                let earlier = try #require(shared.cookies["tk_session"])
                let fourth = try await Self.start(&shared)
                let (anotherPIN, _) = try await AssuranceTests.unclaimedResident(in: url)
                let fourthCode = await provider.code(
                    pin: anotherPIN, nonce: fourth["nonce"]!, challenge: fourth["code_challenge"]!)
                _ = try await Self.callback(&shared, code: fourthCode, state: fourth["state"]!)
                var stale = Browser(client)
                stale.cookies["tk_session"] = earlier
                #expect(try await stale.get("/cabinet").status == .seeOther, "the earlier session is over")

                // Someone registered online with a low account is raised by it.
                let (lowPIN, _) = try await AssuranceTests.unclaimedResident(in: url)
                _ = try await other.post(
                    "/register",
                    form: ["pin": lowPIN, "familyName": "A", "givenName": "B", "password": "a long enough password"])
                let again = try await Self.start(&other)
                let lowCode = await provider.code(
                    pin: lowPIN, nonce: again["nonce"]!, challenge: again["code_challenge"]!)
                #expect(try await Self.callback(&other, code: lowCode, state: again["state"]!).status == .seeOther)
                #expect(try await other.get("/cabinet").text.contains(#"id="cabinet-assurance">Substantial<"#))

                // An official still gives their second factor.
                var official = Browser(client)
                let third = try await Self.start(&official)
                let officialCode = await provider.code(
                    pin: "20106198800712", nonce: third["nonce"]!, challenge: third["code_challenge"]!)
                let half = try await Self.callback(&official, code: officialCode, state: third["state"]!)
                #expect(half.headers[.location]?.hasPrefix("/signin/code") == true)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func forgedOrMismatchedAnswersSignNobodyIn(engine: TestEngine) async throws {
        try await FakeProvider.serve { provider, base in
            try await withApp(engine, configure: Self.configured(base)) { client, url async throws in
                let (pin, _) = try await AssuranceTests.unclaimedResident(in: url)
                let people = try await count("people", in: url)
                func attempt(
                    nonce: String? = nil, challenge: String? = nil, audience: String = "tazakoom",
                    stranger: Bool = false
                ) async throws -> String? {
                    var browser = Browser(client)
                    let sent = try await Self.start(&browser)
                    await provider.setSignWithStranger(stranger)
                    let code = await provider.code(
                        pin: pin, nonce: nonce ?? sent["nonce"]!, challenge: challenge ?? sent["code_challenge"]!,
                        audience: audience)
                    let back = try await Self.callback(&browser, code: code, state: sent["state"]!)
                    await provider.setSignWithStranger(false)
                    #expect(browser.cookies["tk_session"] == nil)
                    return back.headers[.location]
                }
                #expect(try await attempt(stranger: true)?.contains("error_national_invalid") == true, "unknown key")
                #expect(try await attempt(nonce: "another")?.contains("error_national_invalid") == true, "nonce")
                #expect(try await attempt(audience: "someone-else")?.contains("error_national_invalid") == true)
                // The platform's verifier does not match a challenge it did not send: the provider refuses.
                #expect(try await attempt(challenge: "not-this")?.contains("error_national_refused") == true)
                // A callback with the provider's error, and one with no sign-in behind it.
                var browser = Browser(client)
                let sent = try await Self.start(&browser)
                let denied = try await browser.get(
                    "/signin/national/callback?error=access_denied&state=\(Browser.encode(sent["state"]!))")
                #expect(denied.headers[.location]?.contains("error_national_refused") == true)
                let unknown = try await browser.get("/signin/national/callback?code=x&state=made-up")
                #expect(unknown.headers[.location]?.contains("error_national_unknown_login") == true)
                #expect(try await count("people", in: url) == people, "nothing stored")
            }
        }
    }
}
