import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

@Suite struct PortalTests {
    static let citizen = "11207199000417"
    static let otherCitizen = "20303198500231"
    static let admin = "11502198000555"
    static let clerk = "20106198800712"

    @Test(arguments: TestEngine.available)
    func everyPageRendersInEveryLanguage(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let keys = Catalog.shipped.table(.en).keys
            for language in Language.allCases {
                var anonymous = Browser(client)
                var citizen = Browser(client)
                _ = try await citizen.signIn(Self.citizen)
                var admin = Browser(client)
                _ = try await admin.signIn(Self.admin)
                let pages: [(String, Int)] = [("/", 200), ("/signin", 200), ("/register", 200), ("/no/such/page", 404)]
                var visits: [(TestResponse, String)] = []
                for (path, status) in pages {
                    let response = try await anonymous.get("\(path)?lang=\(language.rawValue)")
                    #expect(Int(response.status.code) == status, "\(path) in \(language)")
                    visits.append((response, path))
                }
                for path in ["/cabinet", "/cabinet/organisations/new"] {
                    visits.append((try await citizen.get("\(path)?lang=\(language.rawValue)"), path))
                }
                visits.append((try await admin.get("/admin/clients?lang=\(language.rawValue)"), "/admin/clients"))
                visits.append((try await anonymous.get("/ledger?lang=\(language.rawValue)"), "/ledger"))
                visits.append((try await admin.get("/ledger?lang=\(language.rawValue)"), "/ledger (admin)"))
                // Every page the signed-in people visit answers 200: a page that fails with a nicely
                // rendered error page must not pass for a rendered page.
                for (response, path) in visits.dropFirst(pages.count) {
                    #expect(response.status == .ok, "\(path) in \(language): \(response.status)")
                }
                for (response, path) in visits {
                    let html = response.text
                    #expect(html.contains("<html lang=\"\(language.rawValue)\">"), "\(path) in \(language)")
                    #expect(html.contains(Catalog.shipped.text("nav_home", language)), "\(path) in \(language)")
                    #expect(!html.contains("{{"), "\(path) has an unrendered tag")
                    for key in keys where html.contains(">\(key)<") || html.contains("\"\(key)\"") {
                        Issue.record("\(path) in \(language) shows the raw key \(key)")
                    }
                }
            }
        }
    }

    @Test func templatesHoldNoTextOfTheirOwnAndUseOnlyKnownKeys() throws {
        let directory = PageRenderer.templatesDirectory
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 8)
        let known = Set(Catalog.shipped.table(.en).keys)
        for name in names {
            let source = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            for key in Self.matches(#"\{\{[#^/]?t\.([a-z0-9_]+)"#, in: source) where !known.contains(key) {
                Issue.record("\(name) uses t.\(key), which no catalog has")
            }
            var text = source.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: " ", options: .regularExpression)
            text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
            text = text.replacingOccurrences(of: #"&[a-z]+;"#, with: " ", options: .regularExpression)
            let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) }
            #expect(
                letters.isEmpty,
                "\(name) holds text not from a catalog: \(String(String.UnicodeScalarView(letters)).prefix(80))")
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test(arguments: TestEngine.available)
    func wrongPasswordAndUnknownAccountGetTheSameAnswer(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var browser = Browser(client)
            let wrong = try await browser.post("/signin", form: ["pin": Self.citizen, "password": "wrong password"])
            let unknown = try await browser.post(
                "/signin", form: ["pin": "21503198500999", "password": "wrong password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == wrong.status)
            #expect(wrong.headers[values: .setCookie].isEmpty && unknown.headers[values: .setCookie].isEmpty)
            let normalise = { (r: TestResponse, pin: String) in r.text.replacingOccurrences(of: pin, with: "PIN") }
            #expect(normalise(wrong, Self.citizen) == normalise(unknown, "21503198500999"))
            #expect(browser.cookies["tk_session"] == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func repeatedFailuresAreThrottled(engine: TestEngine) async throws {
        try await withApp(engine, configure: setting(\.signInAttemptsPerWindow, 5)) { client, _ async throws in
            var browser = Browser(client)
            for _ in 0..<5 {
                #expect(
                    try await browser.post("/signin", form: ["pin": Self.citizen, "password": "guess"]).status
                        == .unauthorized)
            }
            let throttled = try await browser.signIn(Self.citizen)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] != nil)
            #expect(browser.cookies["tk_session"] == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func formsWithoutTheirCSRFTokenAreRefusedAndChangeNothing(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var browser = Browser(client)
            _ = try await browser.get("/register")
            let before = try await count("people", in: url)
            let form = [
                "pin": "21503198500123", "familyName": "Асанов", "givenName": "Айбек",
                "password": "long enough password",
            ]
            #expect(try await browser.post("/register", form: form, csrf: false).status == .forbidden)
            #expect(
                try await browser.post("/register", form: form.merging(["_csrf": "forged"]) { $1 }, csrf: false).status
                    == .forbidden)
            #expect(try await count("people", in: url) == before)
            #expect(
                try await browser.post(
                    "/signin", form: ["pin": Self.citizen, "password": "demo-taza-koom"], csrf: false
                ).status == .forbidden)
            #expect(browser.cookies["tk_session"] == nil)
            // The same form with its token goes through.
            #expect(try await browser.post("/register", form: form).status == .seeOther)
            #expect(try await count("people", in: url) == before + 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func invalidPINsAreRefusedBesideTheFieldInTheReadersLanguage(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var browser = Browser(client)
            browser.acceptLanguage = "ru"
            let before = try await count("people", in: url)
            for (pin, key) in [
                ("123", "error_pin_length"), ("2150319850012x", "error_pin_digits"),
                ("23102198500123", "error_pin_date"),
            ] {
                let response = try await browser.post(
                    "/register",
                    form: [
                        "pin": pin, "familyName": "Асанов", "givenName": "Айбек", "password": "long enough password",
                    ])
                #expect(response.status == .unprocessableContent)
                let message = Catalog.shipped.text(key, .ru)
                #expect(response.text.contains("<p class=\"error\" id=\"pin-error\">\(message)</p>"), "\(pin)")
                #expect(response.text.contains("aria-invalid=\"true\" aria-describedby=\"pin-error\""))
                #expect(response.text.contains("value=\"Асанов\""), "what was typed is kept")
            }
            #expect(try await count("people", in: url) == before)
        }
    }

    @Test(arguments: TestEngine.available)
    func invalidINNsAreRefusedAndNothingIsStored(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var browser = Browser(client)
            browser.acceptLanguage = "ky"
            _ = try await browser.signIn(Self.citizen)
            let before = try await count("organisations", in: url)
            let response = try await browser.post(
                "/cabinet/organisations", form: ["inn": "03202201510005", "name": "Тест", "legalForm": "LLC"])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(Catalog.shipped.text("error_inn_date", .ky)))
            #expect(try await count("organisations", in: url) == before)
        }
    }

    @Test(arguments: TestEngine.available)
    func theCabinetShowsOnlyTheSignedInPerson(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var anonymous = Browser(client)
            let redirect = try await anonymous.get("/cabinet")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers[.location] == "/signin?next=/cabinet")
            var browser = Browser(client)
            #expect(try await browser.signIn(Self.citizen).status == .seeOther)
            let page = try await browser.get("/cabinet")
            #expect(page.status == .ok)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.text.contains(Self.citizen))
            #expect(!page.text.contains(Self.otherCitizen))
            #expect(try await browser.get("/admin/clients").status == .forbidden)
            var clerk = Browser(client)
            _ = try await clerk.signIn(Self.clerk)
            #expect(try await clerk.get("/admin/clients").status == .forbidden)
            #expect(
                try await clerk.post(
                    "/admin/clients", form: ["name": "x", "agencyCode": "SRS", "scopes": "identity:read"]
                ).status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func signingOutEndsTheSessionAndSigningOutEverywhereEndsThemAll(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var phone = Browser(client)
            var laptop = Browser(client)
            _ = try await phone.signIn(Self.citizen)
            _ = try await laptop.signIn(Self.citizen)
            let stolen = phone.cookies["tk_session"]
            #expect(try await phone.post("/signout", form: [:]).status == .seeOther)
            #expect(phone.cookies["tk_session"] == nil)
            phone.cookies["tk_session"] = stolen
            #expect(try await phone.get("/cabinet").status == .seeOther, "a signed-out token is dead")
            #expect(try await laptop.get("/cabinet").status == .ok)
            var tablet = Browser(client)
            _ = try await tablet.signIn(Self.citizen)
            #expect(try await laptop.post("/signout-everywhere", form: [:]).status == .seeOther)
            #expect(try await tablet.get("/cabinet").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.available)
    func theLanguageChoiceIsRemembered(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var browser = Browser(client)
            browser.acceptLanguage = "ru-RU,ru;q=0.9"
            #expect(try await browser.get("/").text.contains("<html lang=\"ru\">"))
            #expect(try await browser.get("/?lang=en").text.contains("<html lang=\"en\">"))
            #expect(browser.cookies["lang"] == "en")
            #expect(try await browser.get("/signin").text.contains("<html lang=\"en\">"))
            browser.cookies = [:]
            browser.acceptLanguage = "de"
            #expect(try await browser.get("/").text.contains("<html lang=\"ky\">"))
        }
    }

    @Test func nextAfterSignInStaysOnThisSite() {
        #expect(PortalController.safeNext("/cabinet/organisations/new") == "/cabinet/organisations/new")
        #expect(PortalController.safeNext("//evil.example") == "/cabinet")
        #expect(PortalController.safeNext("https://evil.example") == "/cabinet")
        #expect(PortalController.safeNext("/\\evil.example") == "/cabinet")
        #expect(PortalController.safeNext(nil) == "/cabinet")
    }
}
