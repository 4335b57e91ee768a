import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Programme
import SQLKit
import TestSupport
import Testing

@testable import App
@testable import Web

/// The programme dashboard and emergency alerts through the HTTP server: figures that match the
/// database, office forms that refuse bad input beside the field, alerts that reach the residents
/// of their regions and no one else, and who may do what. On both engines.
@Suite struct ProgrammeWebTests {
    static let administrator = "11502198000555"  // MDD, platform administrator
    static let registrationHead = "13009197500333"  // SRS: not an alerting agency
    static let chuyResident = "22511197901022"
    static let oshResident = "20303198500231"

    @Test(arguments: TestEngine.available)
    func theComputedIndicatorsMatchCountsTakenFromTheDatabase(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(Self.oshResident)
            _ = try await ServicesWebTests.apply(&citizen, "no-criminal-record", ["purpose": "visa"])
            let page = try await citizen.get("/programme")
            #expect(page.status == .ok && page.text.contains("href=\"/programme/indicators/services-online\""))
            #expect(page.text.contains("href=\"/datasets/programme-indicators\""))
            #expect(page.text.contains("href=\"/datasets/ict-statistics\""))
        } afterwards: { url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                try await platform.computedIndicators.refresh(platform.programme)
                let period = platform.programme.currentPeriod
                let figures = try await platform.programme.overview().measurements.compactMapValues {
                    $0.first { $0.period == period }?.value
                }
                let counted = try await platform.database.withConnection { sql in
                    let count = { (query: String) async throws -> Double in
                        Double(
                            try await sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1)
                    }
                    return [
                        "services-online": try await count("SELECT COUNT(*) AS n FROM services"),
                        "applications-online": try await count("SELECT COUNT(*) AS n FROM applications"),
                        "datasets-published": try await count("SELECT COUNT(*) AS n FROM opendata_datasets"),
                        "ledger-entries": try await count("SELECT COUNT(*) AS n FROM ledger_entries"),
                        "participation-acts": try await count(
                            """
                            SELECT (SELECT COUNT(*) FROM participation_signatures)
                              + (SELECT COUNT(*) FROM participation_ballots)
                              + (SELECT COUNT(*) FROM participation_comments) AS n
                            """),
                    ]
                }
                for (code, expected) in counted {
                    #expect(
                        figures[code] == expected, "\(code): dashboard \(figures[code] ?? -1), database \(expected)")
                }
                #expect(counted["applications-online"] ?? 0 >= 1)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aFigureInTheWrongUnitComesBackBesideItsFieldAndNothingIsStored(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var admin = Browser(client)
            _ = try await admin.signIn(Self.administrator)
            #expect(try await admin.get("/office/programme").status == .ok)
            let wrong = try await admin.post(
                "/office/programme/measurements",
                form: [
                    "indicator": "broadband-coverage", "period": "2026", "value": "87", "unit": "count",
                    "evidence": "https://mdd.gov.kg/r",
                ])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("id=\"unit-error\""))
            #expect(wrong.text.contains("value=\"https://mdd.gov.kg/r\""), "what was typed comes back")
            #expect(
                !(try await admin.get("/programme/indicators/broadband-coverage").text.contains(
                    "<th scope=\"row\">2026</th>")))
            let recorded = try await admin.post(
                "/office/programme/measurements",
                form: [
                    "indicator": "broadband-coverage", "period": "2026", "value": "87", "unit": "percent",
                    "evidence": "https://mdd.gov.kg/r",
                ])
            #expect(recorded.status == .seeOther && recorded.headers[.location] == "/office/programme")
            #expect(try await admin.get("/programme/indicators/broadband-coverage").text.contains("87%"))

            let badCSV = try await admin.post(
                "/office/programme/ict",
                form: ["csv": "indicator,region,year,value\nHH7,BIS,2025,80\nHH7,ATLANTIS,2025,70"])
            #expect(badCSV.status == .unprocessableContent && badCSV.text.contains("id=\"csv-error\""))
            #expect(badCSV.text.contains("Line 3") && badCSV.text.contains("ATLANTIS"))
            #expect(!(try await admin.get("/programme").text.contains(">80%</text>")), "not even the good first line")
            let imported = try await admin.post(
                "/office/programme/ict", form: ["csv": "indicator,region,year,value\nHH7,BIS,2025,80\nHH7,CHU,2025,70"])
            #expect(imported.status == .seeOther)
            #expect(try await admin.get("/programme").text.contains(">80%</text>"))

            let unknownStatus = try await admin.post(
                "/office/programme/actions", form: ["action": "A-3.1-1", "status": "abandoned"])
            #expect(unknownStatus.status == .unprocessableContent && unknownStatus.text.contains("id=\"status-error\""))
            let done = try await admin.post("/office/programme/actions", form: ["action": "A-3.1-1", "status": "done"])
            #expect(done.status == .seeOther)
            #expect(
                try await admin.get("/programme").text.contains(
                    "Move the main public services online <span class=\"meta\">· MDD · 31 Dec 2026 · done"))

            // A citizen and another agency's official enter nothing and publish nothing.
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            #expect(try await citizen.get("/office/programme").status == .forbidden)
            let form = [
                "indicator": "broadband-coverage", "period": "2027", "value": "99", "unit": "percent", "evidence": "x",
            ]
            #expect(try await citizen.post("/office/programme/measurements", form: form).status == .forbidden)
            var head = Browser(client)
            _ = try await head.signIn(Self.registrationHead)
            #expect(try await head.post("/office/programme/measurements", form: form).status == .forbidden)
            #expect(
                try await head.post("/office/programme/actions", form: ["action": "A-1.1-1", "status": "late"]).status
                    == .forbidden)
            #expect(try await head.post("/office/alerts", pairs: Self.alertForm()).status == .forbidden)
            #expect(!(try await admin.get("/programme/indicators/broadband-coverage").text.contains("99%")))
        }
    }

    static func alertForm(languages: [String] = ["ky", "ru", "en"]) -> [(String, String)] {
        var pairs: [(String, String)] = [
            ("category", "Geo"), ("severity", "Severe"), ("urgency", "Immediate"), ("certainty", "Likely"),
            ("regions", "CHU"), ("hours", "12"),
        ]
        for language in languages {
            pairs += [
                ("headline_\(language)", "Mudflow warning \(language)"),
                ("instruction_\(language)", "Keep away from riverbeds (\(language))."),
            ]
        }
        return pairs
    }

    @Test(arguments: TestEngine.available)
    func anAlertReachesTheResidentsOfItsRegionsAndTheCAPFeed(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var admin = Browser(client)
            _ = try await admin.signIn(Self.administrator)
            let missing = try await admin.post("/office/alerts", pairs: Self.alertForm(languages: ["ky", "en"]))
            #expect(missing.status == .unprocessableContent && missing.text.contains("id=\"headline_ru-error\""))
            #expect(
                !String(buffer: try await client.execute(uri: "/api/alerts", method: .get).body).contains("Mudflow"))

            let published = try await admin.post("/office/alerts", pairs: Self.alertForm())
            #expect(published.status == .seeOther && published.headers[.location] == "/alerts")

            var resident = Browser(client)
            _ = try await resident.signIn(Self.chuyResident)
            let home = try await resident.get("/")
            #expect(home.text.contains("id=\"emergency\"") && home.text.contains("Mudflow warning en"))
            #expect(try await resident.get("/alerts").text.contains("Sent to you"))
            // Reading their phone to send it is in their "who looked at my data", with the reason.
            let looked = try await resident.get("/cabinet/data-access").text
            #expect(looked.contains("Your phone number was read to send you an emergency alert"))
            var elsewhere = Browser(client)
            _ = try await elsewhere.signIn(Self.oshResident)
            #expect(!(try await elsewhere.get("/").text.contains("id=\"emergency\"")), "not for Osh")
            let notLooked = try await elsewhere.get("/cabinet/data-access").text
            #expect(!notLooked.contains("emergency alert"), "the Osh resident's phone was not read")
            var russian = Browser(client)
            russian.acceptLanguage = "ru"
            #expect(try await russian.get("/").text.contains("Mudflow warning ru"), "a visitor sees it, in Russian")

            let feed = try await client.execute(uri: "/api/alerts", method: .get)
            #expect(feed.status == .ok && feed.headers[.contentType] == "application/json")
            let json = try JSONSerialization.jsonObject(with: Data(buffer: feed.body)) as? [String: Any]
            let first = try #require((json?["alerts"] as? [[String: Any]])?.first)
            let cap = try #require(first["cap"] as? String)
            let xml = try await client.execute(uri: cap, method: .get)
            #expect(xml.status == .ok && xml.headers[.contentType]?.hasPrefix("application/cap+xml") == true)
            let (status, output) = try CAPSchema.validate(String(buffer: xml.body))
            #expect(status == 0, "\(output)")
            #expect(try await client.execute(uri: "/alerts/nonexistent/cap", method: .get).status == .notFound)
        }
    }
}
