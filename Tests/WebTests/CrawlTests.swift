import Core
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// Every page a citizen, an official and an administrator can reach, in Kyrgyz and Russian, shows
/// words from the catalogs: no Latin-script word outside codes and names, no catalog key, no ISO
/// timestamp as text.
@Suite struct CrawlTests {
    /// Latin words that may appear in Kyrgyz and Russian text: names of standards and formats.
    static let allowed: Set<String> = [
        "API", "OpenAPI", "JSON", "CSV", "SMS", "PDF", "PNG", "JPEG", "QR", "SHA", "GeoJSON", "ID", "PIN", "TOTP",
        "HTTPS", "URL", "GovStack", "Registration", "Data", "FreeOTP", "Aegis",
        // The language switcher names each language in itself.
        "English",
        // Names in the demo registers (vehicle makes and models).
        "Toyota", "Camry", "Honda", "Fit", "Lexus", "Mercedes", "Benz", "Daewoo", "Matiz", "Hyundai", "Sonata",
    ]

    /// The text a person reads: tags, scripts, `<code>` and `<pre>` (codes shown as codes) removed.
    static func visibleText(_ html: String) -> String {
        var text = html
        for element in ["script", "style", "code", "pre", "svg", "title", "textarea"] {
            text = text.replacingOccurrences(
                of: "<\(element)[^>]*>[\\s\\S]*?</\(element)>", with: " ", options: .regularExpression)
        }
        // Elements marked as codes, not words to translate.
        text = text.replacingOccurrences(
            of: #"<(select|span|a)[^>]*translate="no"[^>]*>[\s\S]*?</\1>"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        return text.replacingOccurrences(of: "&[a-z#0-9]+;", with: " ", options: .regularExpression)
    }

    /// What is wrong with one page's text.
    static func problems(_ html: String, keys: Set<String>) -> [String] {
        let text = visibleText(html)
        var found: [String] = []
        let words = text.split(whereSeparator: { $0.isWhitespace || ",;:()«»\"'!?·—/|".contains($0) })
        for raw in words {
            let word = raw.trimmingCharacters(in: CharacterSet(charactersIn: ".…%*#№+-[]{}"))
            guard word.contains(where: { $0.isASCII && $0.isLetter }) else { continue }
            // Codes: anything with a digit (TK-…, plates, cadastral numbers), an e-mail address,
            // identifiers joined by _ or - (no-criminal-record).
            if word.contains(where: \.isNumber) || word.contains("@") { continue }
            if keys.contains(word) {
                found.append("catalog key \(word)")
                continue
            }
            if word.contains("_") || (word.contains("-") && word.allSatisfy { $0.isASCII }) { continue }
            // Each run of Latin letters ("JSON" in "JSONун", "API" in "API-клиенты") must be an
            // upper-case code (BCH) or an allowed name.
            let runs = word.split(whereSeparator: { !($0.isASCII && $0.isLetter) }).map(String.init)
            for run in runs where !(run.count > 1 && run.allSatisfy(\.isUppercase)) && !allowed.contains(run) {
                found.append("Latin word \(word)")
                break
            }
        }
        if let range = text.range(of: #"\d{4}-\d{2}-\d{2}"#, options: .regularExpression) {
            found.append("ISO date \(text[range])")
        }
        return found
    }

    static func links(_ html: String) -> [String] {
        PortalTests.matches(##"href="(/[^"#]*)""##, in: html).map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// Paths not to follow: files, machine answers, actions with effects, endless variants.
    static func skipped(_ path: String) -> Bool {
        let prefixes = [
            "/static/", "/api/", "/data/", "/ledger/tile/", "/ledger/proof/", "/ledger/receipt/", "/signout",
        ]
        let suffixes = [".json", ".csv", ".txt", "/document.json"]
        return prefixes.contains { path.hasPrefix($0) } || suffixes.contains { path.hasSuffix($0) }
            || path.contains("/files/") || path == "/ledger/checkpoint" || path == "/ledger/key"
            || path.hasPrefix("/openapi") || path.contains("?lang=") || path.hasPrefix("/ledger?before=")
            || path.hasPrefix("/metrics") || path.hasPrefix("/healthz") || path.hasPrefix("/readyz")
    }

    @Test(arguments: [
        ("citizen", PortalTests.citizen), ("official", ServicesWebTests.bchHead), ("administrator", PortalTests.admin),
    ])
    func everyReachablePageIsInTheReadersLanguage(role: String, pin: String) async throws {
        try await withApp(.sqlite) { client, _ async throws in
            // Something to see: a citizen's certificate (paid, issued), a permit at the city hall's
            // examination (in the official's inbox), a refused and appealed one.
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let certificate = try await ServicesWebTests.apply(&citizen, "no-criminal-record", ["purpose": "visa"])
            _ = try await citizen.post("/cabinet/applications/\(certificate)/pay", form: ["outcome": "confirm"])
            var (applicant, srs, bch) = try await AppealTests.parties(client)
            let refused = try await AppealTests.refusedPermit(&applicant, srs: &srs, bch: &bch, reason: "Нет проекта")
            _ = try await applicant.post("/cabinet/applications/\(refused)/appeal", form: ["appeal": "Проект есть"])
            let permit = try await ServicesWebTests.apply(
                &applicant, "building-permit",
                ["parcel": "1-01-01-0000-0001", "zone": "residential", "floors": "3", "area": "250"],
                files: ["site_plan": ("plan.png", ServicesWebTests.png)])
            _ = try await srs.post("/office/cases/\(permit)/decide", form: ["action": "confirm_title", "reason": "Да"])
            for language in ["ky", "ru"] {
                let keys = Set(Catalog.shipped.table(Language(rawValue: language) ?? .ky).keys)
                var browser = Browser(client)
                browser.acceptLanguage = language
                _ = try await browser.signIn(pin)
                _ = try await browser.get("/?lang=\(language)")
                var queue = [
                    "/", "/cabinet", "/services", "/ledger", "/verify", "/performance", "/cabinet/records",
                    "/cabinet/applications", "/cabinet/notifications", "/office/inbox",
                ]
                var seen = Set(queue)
                var report: [String] = []
                var visited = 0
                var entries = 0
                while !queue.isEmpty && visited < 150 {
                    let path = queue.removeFirst()
                    let page = try await browser.get(path)
                    visited += 1
                    guard page.status == .ok, page.headers[.contentType]?.hasPrefix("text/html") == true else {
                        continue
                    }
                    for problem in Self.problems(page.text, keys: keys) { report.append("\(path): \(problem)") }
                    for link in Self.links(page.text) where !seen.contains(link) && !Self.skipped(link) {
                        // A few ledger entries stand for all of them.
                        if link.hasPrefix("/ledger/entries/") {
                            entries += 1
                            if entries > 3 { continue }
                        }
                        seen.insert(link)
                        queue.append(link)
                    }
                }
                #expect(visited > 10, "\(role) \(language): only \(visited) pages")
                let unique = Array(Set(report)).sorted()
                #expect(
                    unique.isEmpty,
                    "\(role) \(language), \(unique.count) problems:\n\(unique.prefix(80).joined(separator: "\n"))")
            }
        }
    }
}
