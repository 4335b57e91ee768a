import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

@Suite struct APITests {
    /// Signs in as the demo administrator and issues a token with `scopes` through the admin page.
    static func issueToken(
        _ client: any TestClientProtocol, scopes: [String], name: String = "Registry of MOH", agency: String = "MOH"
    ) async throws -> (String, Browser) {
        var admin = Browser(client)
        _ = try await admin.signIn(PortalTests.admin)
        var form = ["name": name, "agencyCode": agency]
        // Repeated fields: encode by hand since the helper takes a dictionary.
        let page = try await admin.post("/admin/clients", form: form.merging(["scopes": scopes.first ?? ""]) { $1 })
        #expect(page.status == .created, "\(page.text)")
        form = [:]
        let token = try #require(PortalTests.matches(#"<code class="token">([^<]+)</code>"#, in: page.text).first)
        return (token, admin)
    }

    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
        json: String? = nil, language: String = "en"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.acceptLanguage: language]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @Test(arguments: TestEngine.available)
    func aTokenWithoutTheScopeIsRefused(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (reader, _) = try await Self.issueToken(client, scopes: ["identity:read"])
            let ok = try await Self.call(
                client, .get, "/api/v1/people/\(PortalTests.citizen)?purpose=eligibility%20check", token: reader)
            #expect(ok.status == .ok)
            #expect(try ok.json()["pin"] as? String == PortalTests.citizen)
            let before = try await count("people", in: url)
            let denied = try await Self.call(
                client, .post, "/api/v1/people", token: reader,
                json: #"{"pin":"21503198500123","familyName":"A","givenName":"B"}"#)
            #expect(denied.status == .forbidden)
            #expect(denied.headers[.contentType] == "application/problem+json")
            #expect(try denied.json()["status"] as? Int == 403)
            #expect(try await count("people", in: url) == before)
            #expect(
                try await Self.call(client, .get, "/api/v1/people/\(PortalTests.citizen)", token: nil).status
                    == .unauthorized)
            #expect(
                try await Self.call(client, .get, "/api/v1/people/\(PortalTests.citizen)", token: "tk_forged").status
                    == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.available)
    func aRevokedTokenStopsWorking(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var (token, admin) = try await Self.issueToken(client, scopes: ["identity:read"])
            let me = try await Self.call(client, .get, "/api/v1/client", token: token)
            let id = try #require(try me.json()["id"] as? String)
            #expect(try await admin.post("/admin/clients/\(id)/revoke", form: [:]).status == .seeOther)
            #expect(try await Self.call(client, .get, "/api/v1/client", token: token).status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.available)
    func badInputGetsProblemDetailsInTheCallersLanguageAndStoresNothing(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (writer, _) = try await Self.issueToken(client, scopes: ["identity:write"])
            let before = try await count("people", in: url)
            let invalid = try await Self.call(
                client, .post, "/api/v1/people", token: writer,
                json: #"{"pin":"23102198500123","familyName":"A","givenName":"B"}"#, language: "ru")
            #expect(invalid.status == .unprocessableContent)
            let problem = try invalid.json()
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.first?["field"] as? String == "pin")
            #expect(errors.first?["message"] as? String == Catalog.shipped.text("error_pin_date", .ru))
            #expect(problem["title"] as? String == Catalog.shipped.text("problem_invalid", .ru))
            for body in ["not json", #"{"pin": 5}"#, "", #"{"pin":"21503198500123"}"#] {
                let response = try await Self.call(client, .post, "/api/v1/people", token: writer, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await count("people", in: url) == before)
            let created = try await Self.call(
                client, .post, "/api/v1/people", token: writer,
                json: #"{"pin":"21503198500123","familyName":"Асанов","givenName":"Айбек"}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/people/21503198500123")
            let again = try await Self.call(
                client, .post, "/api/v1/people", token: writer,
                json: #"{"pin":"21503198500123","familyName":"X","givenName":"Y"}"#)
            #expect(again.status == .conflict)
            #expect(try await count("people", in: url) == before + 1)
            let (reader, _) = try await Self.issueToken(client, scopes: ["identity:read"], name: "Reader")
            #expect(
                try await Self.call(client, .get, "/api/v1/people/123", token: reader).status == .unprocessableContent)
            #expect(
                try await Self.call(client, .get, "/api/v1/organisations/01203201510005", token: reader).status == .ok)
            #expect(
                try await Self.call(client, .get, "/api/v1/organisations/01203201510004", token: reader).status
                    == .notFound)
        }
    }

    @Test(arguments: TestEngine.available)
    func passwordsAndTokensAreNeitherStoredNorLoggedInClear(engine: TestEngine) async throws {
        let capture = LogCapture()
        try await withApp(engine, logger: capture.logger()) { client, url async throws in
            var browser = Browser(client)
            _ = try await browser.signIn(PortalTests.citizen)
            _ = try await browser.post(
                "/signin", form: ["pin": PortalTests.otherCitizen, "password": "a wrong secret"])
            let session = try #require(browser.cookies["tk_session"])
            let (token, _) = try await Self.issueToken(client, scopes: ["identity:read"])
            _ = try await Self.call(client, .get, "/api/v1/people/\(PortalTests.citizen)?purpose=test", token: token)
            let stored =
                try await values("password_hash", of: "accounts", in: url)
                + values("token_hash", of: "sessions", in: url)
                + values("token_hash", of: "api_clients", in: url)
            for secret in ["demo-taza-koom", "a wrong secret", session, token] {
                #expect(!stored.contains { $0.contains(secret) }, "a secret is stored in clear")
                #expect(!capture.text.contains(secret), "a secret is in the logs")
            }
            #expect(capture.text.contains("/signin"), "the capture did see the requests")
        }
    }
}

@Suite struct IdempotencyTests {
    static func post(_ client: any TestClientProtocol, token: String, key: String?, json: String) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        if let key, let name = HTTPField.Name("Idempotency-Key") { headers[name] = key }
        return try await client.executeRequest(
            uri: "/api/v1/people", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    @Test(arguments: TestEngine.available)
    func aRetriedWriteRunsOnceAndGetsTheSameAnswer(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (token, _) = try await APITests.issueToken(client, scopes: ["identity:write"])
            let body = #"{"pin":"21503198500123","familyName":"Асанов","givenName":"Айбек"}"#
            let before = try await count("people", in: url)
            let ledgerBefore = try await count("ledger_entries", in: url)
            let first = try await Self.post(client, token: token, key: "retry-1", json: body)
            let second = try await Self.post(client, token: token, key: "retry-1", json: body)
            #expect(first.status == .created && second.status == .created)
            #expect(second.text == first.text)
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.headers[HTTPField.Name("Ledger-Index")!] == first.headers[HTTPField.Name("Ledger-Index")!])
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await count("people", in: url) == before + 1)
            #expect(try await count("ledger_entries", in: url) == ledgerBefore + 1, "one action, one ledger entry")
            // The same key for another request is refused and changes nothing.
            let other = try await Self.post(
                client, token: token, key: "retry-1",
                json: #"{"pin":"21503198500124","familyName":"X","givenName":"Y"}"#)
            #expect(other.status == .unprocessableContent)
            #expect(try await count("people", in: url) == before + 1)
            // A failed request keeps nothing: the same key may be used again once the input is fixed.
            let invalid = try await Self.post(
                client, token: token, key: "retry-2", json: #"{"pin":"123","familyName":"X","givenName":"Y"}"#)
            #expect(invalid.status == .unprocessableContent)
            let fixed = try await Self.post(
                client, token: token, key: "retry-2",
                json: #"{"pin":"123","familyName":"X","givenName":"Y"}"#.replacingOccurrences(
                    of: "\"123\"", with: "\"21503198500125\""))
            #expect(fixed.status == .created)
            #expect(
                try await Self.post(client, token: token, key: String(repeating: "k", count: 300), json: body).status
                    == .badRequest)
        }
    }
}
