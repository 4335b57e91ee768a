import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// The portal's dataset pages: search, a dataset with a preview table and chart, fixed version
/// pages, and downloads that give back exactly the loaded rows.
@Suite struct OpenDataPortalTests {
    @Test(arguments: TestEngine.available)
    func peopleFindPreviewAndDownloadData(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ in
            let (token, _) = try await APITests.issueToken(client, scopes: ["opendata:write"], name: "MOH open data")
            _ = try await CKANAPITests.action(client, "package_create", CKANAPITests.hospitals, token: token)
            var csv = "region,beds,opened\n"
            for i in 0..<12_000 { csv += "\(["Chuy", "\"Osh, city\"", "Naryn"][i % 3]),\(i),2024-01-0\(1 + i % 9)\n" }
            let upload = try await CKANAPITests.upload(client, csv, token: token)
            let id = try #require((upload.json["result"] as? [String: Any])?["id"] as? String, "\(upload.json)")

            var browser = Browser(client)
            browser.acceptLanguage = "ru"
            let list = try await browser.get("/datasets?q=%D0%B1%D0%BE%D0%BB%D1%8C%D0%BD%D0%B8%D1%86%D1%8B&page=abc")
            #expect(list.status == .ok)
            #expect(list.text.contains("Больницы") && list.text.contains("1 набор данных"))
            let none = try await browser.get("/datasets?q=zzzz&organization=%3Cscript%3E&theme=NOPE")
            #expect(none.status == .ok && !none.text.contains("<script>"))

            let page = try await browser.get("/datasets/hospitals")
            #expect(page.status == .ok)
            #expect(page.text.contains("12\u{202F}000 строк"), "rows counted with the plural rule")
            #expect(page.text.contains("<svg") && page.text.contains("<td>Osh, city</td>"), "a chart and a preview")
            #expect(page.text.contains("/datasets/hospitals/versions/1"))
            let old = try await browser.get("/datasets/hospitals/versions/1")
            #expect(old.status == .ok && old.text.contains("версию 1"))
            for bad in [
                "/datasets/hospitals/versions/0", "/datasets/hospitals/versions/99999999999", "/datasets/nothing",
            ] {
                #expect(try await browser.get(bad).status == .notFound, "\(bad)")
            }

            let download = try await browser.get("/resources/\(id)/data.csv")
            #expect(download.status == .ok)
            #expect(download.text.replacingOccurrences(of: "\r\n", with: "\n") == csv)
            let json = try await browser.get("/resources/\(id)/data.json")
            let records = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]])
            #expect(records.count == 12_000)
            #expect(records[4]["beds"] as? Int == 4 && records[4]["region"] as? String == "Osh, city")
            #expect(try await browser.get("/resources/nothing/data.csv").status == .notFound)
            // A streamed download is counted once written.
            let metrics = try await browser.get("/metrics").text
            #expect(metrics.contains(#"http_server_request_duration_count{http_route="/resources/{id}/data.csv""#))
        }
    }
}
