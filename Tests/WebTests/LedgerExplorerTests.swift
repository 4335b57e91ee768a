import Core
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// The ledger explorer: pages of entries in words, search by number, kind and day, entries as pages.
@Suite struct LedgerExplorerTests {
    static func indexes(_ page: TestResponse) -> [Int] {
        PortalTests.matches(#"<li><a href="/ledger/entries/([0-9]+)">"#, in: page.text).compactMap { Int($0) }
    }

    @Test(arguments: TestEngine.available)
    func entriesArePagedNewestFirstInWordsAndFoundByNumberKindAndDay(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var reader = Browser(client)
            let first = try await reader.get("/ledger")
            let newest = Self.indexes(first)
            #expect(newest.count == 25 && newest == newest.sorted(by: >))
            #expect(!first.text.contains("<code>workflow.case"), "kinds are shown in words")
            let older = try #require(PortalTests.matches(#"href="([^"]+)" id="older""#, in: first.text).first)
            let next = Self.indexes(try await reader.get(older.replacingOccurrences(of: "&amp;", with: "&")))
            #expect(next.first == (newest.last ?? 0) - 1, "the next page goes on where the first ended")

            // By kind: only that kind (here: the registry imports of the demo data).
            let imports = try await reader.get("/ledger?kind=registry.imported")
            #expect(imports.status == .ok && !Self.indexes(imports).isEmpty)
            for index in Self.indexes(imports).prefix(5) {
                let entry = try await client.executeRequest(
                    uri: "/ledger/entries/\(index).json", method: .get, headers: [:], body: nil
                ).json()
                #expect((entry["event"] as? [String: Any])?["kind"] as? String == "registry.imported")
            }
            // By day, as a Kyrgyz or Russian reader types it: today has entries, a day long ago has none.
            let today = CalendarDate(bishkekDayOf: Clock.system.seconds)
            let day =
                "\(today.day < 10 ? "0" : "")\(today.day).\(today.month < 10 ? "0" : "")\(today.month).\(today.year)"
            #expect(!Self.indexes(try await reader.get("/ledger?day=\(day)")).isEmpty)
            let past = try await reader.get("/ledger?day=01.01.2001")
            #expect(past.status == .ok && Self.indexes(past).isEmpty && past.text.contains("No entries match"))
            // By number: the entry's own page.
            let jump = try await reader.get("/ledger?index=\(newest[3])")
            #expect(jump.status == .seeOther && jump.headers[.location] == "/ledger/entries/\(newest[3])")

            // Bad input: a clear error beside the field, nothing else happens.
            for bad in [
                "index=99999999999", "index=-1", "index=abc", "kind=bogus.kind", "day=31.02.2026", "day=tomorrow",
            ] {
                let answer = try await reader.get("/ledger?\(bad)")
                #expect(answer.status == .unprocessableContent, "\(bad)")
                #expect(
                    answer.text.contains(#"id="error-summary""#) && answer.text.contains("<title>Error: "), "\(bad)")
            }
            #expect(try await reader.get("/ledger?before=abc").status == .ok, "a bad page cursor shows the newest")
            _ = url
        }
    }

    @Test(arguments: TestEngine.available)
    func anEntryIsAPageForABrowserAndJSONForEveryoneElse(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var reader = Browser(client)
            reader.acceptLanguage = "ru"
            let page = try await reader.get("/ledger/entries/0")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("Запись реестра прозрачности #0") && page.text.contains("ledger/receipt/0"))
            for accept in ["*/*", "application/json"] {
                let json = try await client.executeRequest(
                    uri: "/ledger/entries/0", method: .get, headers: [.accept: accept], body: nil)
                #expect(json.headers[.contentType]?.hasPrefix("application/json") == true, "\(accept)")
            }
            let suffixed = try await reader.get("/ledger/entries/0.json")
            #expect(suffixed.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try await reader.get("/ledger/entries/abc").status == .unprocessableContent)
            #expect(try await reader.get("/ledger/entries/99999999").status == .notFound)
        }
    }
}
