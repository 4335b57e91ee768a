import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App
@testable import Web

@Suite struct OperationsTests {
    @Test(arguments: TestEngine.available)
    func healthReadinessAndMetricsAnswer(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            #expect(
                try await client.executeRequest(uri: "/healthz", method: .get, headers: [:], body: nil).status == .ok)
            let ready = try await client.executeRequest(uri: "/readyz", method: .get, headers: [:], body: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json()["status"] as? String == "ready")
            _ = try await client.executeRequest(uri: "/signin", method: .get, headers: [:], body: nil)
            let metrics = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil).text
            #expect(metrics.contains("http_server_request_duration_bucket{http_route=\"/signin\""))
            #expect(metrics.contains("hb_requests"))
            #expect(metrics.contains("tazakoom_db_pool_size"))
            #expect(metrics.contains("tazakoom_db_connections_in_use"))
        }
    }

    /// Answers made from an error count in `hb_request_errors` by their status, and a made-up
    /// method is counted as `_OTHER`, so callers cannot grow the registry without bound.
    @Test(arguments: TestEngine.available)
    func metricsCountErrorsAndBoundTheMethods(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let invented = try #require(HTTPRequest.Method("FROBNICATE"))
            let odd = try await client.executeRequest(uri: "/healthz", method: invented, headers: [:], body: nil)
            #expect(odd.status == .methodNotAllowed)
            let missing = try await client.executeRequest(uri: "/api/v1/nothing", method: .get, headers: [:], body: nil)
            #expect(missing.status == .notFound)
            let ready = try await client.executeRequest(uri: "/readyz", method: .get, headers: [:], body: nil)
            #expect(ready.status == .ok)
            let metrics = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil).text
            let notFound = #"hb_request_errors{http_route="NotFound",http_request_method="GET",error_type="404"}"#
            #expect(metrics.contains(notFound))
            #expect(metrics.contains(#"http_request_method="_OTHER",http_response_status_code="405"}"#))
            #expect(!metrics.contains("FROBNICATE"))
            #expect(metrics.contains(#"http_server_active_requests{http_request_method="GET"}"#))
            #expect(metrics.contains(#"hb_requests{http_route="/readyz",http_request_method="GET""#))
            #expect(
                !metrics.contains(#"hb_request_errors{http_route="/readyz""#),
                "an error series for a route that never failed")
        }
    }

    /// Probes and static files make no tokens and read no session; pages get their CSRF cookie and
    /// the signed-in person (a mistyped address's page too); other systems' paths take bearer
    /// tokens only.
    @Test(arguments: TestEngine.available)
    func eachAreaOfRoutesPassesOnlyTheMiddlewareItNeeds(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var citizen = Browser(client)
            try await citizen.signIn("20303198500231")
            citizen.cookies["tk_csrf"] = nil
            for path in ["/healthz", "/readyz", "/static/style.css"] {
                let answer = try await citizen.get(path)
                #expect(answer.status == .ok, "\(path)")
                #expect(answer.headers[values: .setCookie].isEmpty, "\(path) made a cookie")
            }
            var visitor = Browser(client)
            let page = try await visitor.get("/signin")
            #expect(page.headers[values: .setCookie].contains { $0.hasPrefix("tk_csrf=") })
            let mistyped = try await citizen.get("/cabinet/nowhere")
            #expect(mistyped.status == .notFound)
            #expect(mistyped.text.contains("Sign out"))
            #expect(
                mistyped.text.contains(
                    #"name="_csrf" value="\#(CSRFMiddleware.token(forSession: citizen.cookies["tk_session"] ?? ""))""#))
            let withCookieOnly = try await citizen.get("/api/v1/client")
            #expect(withCookieOnly.status == .unauthorized)
            let wrongToken = try await client.executeRequest(
                uri: "/api/v1/agencies", method: .get, headers: [.authorization: "Bearer wrong"], body: nil)
            #expect(wrongToken.status == .unauthorized)
            #expect(wrongToken.headers[.contentType] == "application/problem+json")
            #expect(wrongToken.headers[.cacheControl] == "no-store")
        }
    }

    @Test(arguments: TestEngine.available)
    func unknownRoutesAre404AndWrongMethods405WithAllow(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let missing = try await client.executeRequest(uri: "/api/v1/nothing", method: .get, headers: [:], body: nil)
            #expect(missing.status == .notFound)
            let ready = try await client.executeRequest(uri: "/readyz", method: .get, headers: [:], body: nil)
            #expect(ready.status == .ok)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(try missing.json()["status"] as? Int == 404)
            let wrong = try await client.executeRequest(uri: "/healthz", method: .delete, headers: [:], body: nil)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            let both = try await client.executeRequest(
                uri: "/signin", method: .put, headers: [.accept: "application/json"], body: nil)
            #expect(both.status == .methodNotAllowed)
            #expect(both.headers[.allow] == "GET, POST")
            let page = try await client.executeRequest(
                uri: "/nowhere", method: .get, headers: [.accept: "text/html"], body: nil)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.init("X-Request-ID")!] != nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func theOpenAPIDocumentDescribesExactlyTheJSONRoutes(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let document = try await client.executeRequest(uri: "/openapi.json", method: .get, headers: [:], body: nil)
                .json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            let platform = try await Platform.start(
                AppConfiguration(databaseURL: ":memory:", seedDemoData: false, bcryptCost: 4).forTests,
                logger: TestLog.quiet)
            let routed = Set(
                buildRouter(platform.web).routes.map {
                    "\($0.method.rawValue) \($0.path.description.replacingOccurrences(of: "**", with: "{path}"))"
                }.filter { route in
                    let path = String(route.split(separator: " ")[1])
                    return path.hasPrefix("/api/") || path.hasPrefix("/data/") || path.hasPrefix("/ledger/")
                        || ["/healthz", "/readyz", "/openapi.json"].contains(path)
                })
            await platform.database.shutdown()
            #expect(
                documented == routed,
                "undocumented: \(routed.subtracting(documented).sorted()); stale: \(documented.subtracting(routed).sorted())"
            )
        }
    }

    @Test(arguments: TestEngine.available)
    func aRealHTTPServerServesThePortal(engine: TestEngine) async throws {
        try await withApp(engine, setup: .live) { client, _ async throws in
            let home = try await client.executeRequest(
                uri: "/", method: .get, headers: [.acceptLanguage: "ky"], body: nil)
            #expect(home.status == .ok)
            #expect(home.text.contains("<html lang=\"ky\">"))
            let css = try await client.executeRequest(uri: "/static/style.css", method: .get, headers: [:], body: nil)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(
                try await client.executeRequest(uri: "/static/nothing.css", method: .get, headers: [:], body: nil)
                    .status == .notFound)
        }
    }
}
