import Core
import Foundation
import Identity
import Ledger
import Programme
import Storage
import Synchronization
import TestSupport
import Testing

/// Indicators entered with evidence, ICT statistics from CSV and emergency alerts: bad input is
/// refused whole with nothing stored, good input is stored with its ledger entry, and only the
/// agencies allowed may act. On both engines.
@Suite struct ProgrammeTests {
    static let regions: Set<String> = ["BIS", "CHU", "OSH"]
    static let administrator = Principal(
        pin: "11502198000555", displayName: "",
        post: OfficialPost(agencyCode: "MDD", position: "", roles: [.administrator]))
    static let otherAgency = Principal(
        pin: "13009197500333", displayName: "",
        post: OfficialPost(agencyCode: "SRS", position: "", roles: [.head, .specialist]))
    static let citizen = Principal(pin: "11207199000417", displayName: "", post: nil)

    static func with(
        _ engine: TestEngine, _ body: (ProgrammeService, AlertService, LedgerService, Database) async throws -> Void
    ) async throws {
        let clock = Clock { Date(timeIntervalSince1970: 1_800_000_000) }
        try await engine.withDatabase(
            migrations: LedgerMigrations.all + OutboxStore.migrations + ProgrammeMigrations.all
        ) { database in
            let ledger = try await LedgerService.open(database, origin: "programme.test/ledger")
            let programme = ProgrammeService(store: SQLProgrammeStore(database: database, ledger: ledger), clock: clock)
            try await programme.ensureReferenceData()
            let alerts = AlertService(
                store: SQLAlertStore(database: database, ledger: ledger, clock: clock),
                residents: { regions, _, _ in
                    regions.contains("CHU") ? [("22511197901022", "+996 700 301 022"), ("11111111111111", "")] : []
                }, clock: clock)
            try await body(programme, alerts, ledger, database)
        }
    }

    static func kinds(_ ledger: LedgerService) async throws -> [String] {
        try await ledger.entries(from: 0, limit: 10_000).map { try LedgerEvent(canonical: $0.body).kind }
    }

    @Test(arguments: TestEngine.available)
    func aFigureInAnotherUnitOrWithoutEvidenceIsRefusedAndNothingStored(engine: TestEngine) async throws {
        try await Self.with(engine) { programme, _, ledger, _ in
            let bad: [(period: String, value: String, unit: String, evidence: String, field: String)] = [
                ("2026", "87.5", "count", "https://mdd.gov.kg/report-2026", "unit"),
                ("2026", "187.5", "percent", "https://mdd.gov.kg/report-2026", "value"),
                ("2026", "NaN", "percent", "https://mdd.gov.kg/report-2026", "value"),
                ("2026", "1e400", "percent", "https://mdd.gov.kg/report-2026", "value"),
                ("26", "87.5", "percent", "https://mdd.gov.kg/report-2026", "period"),
                ("2026-13", "87.5", "percent", "https://mdd.gov.kg/report-2026", "period"),
                ("2026", "87.5", "percent", "  ", "evidence"),
                ("2026", "87.5", "furlongs", "report", "unit"),
            ]
            for row in bad {
                await #expect(throws: ProgrammeError.self) {
                    _ = try await programme.record(
                        indicator: "broadband-coverage", period: row.period, value: row.value, unit: row.unit,
                        evidence: row.evidence, by: Self.administrator)
                }
                do {
                    _ = try await programme.record(
                        indicator: "broadband-coverage", period: row.period, value: row.value, unit: row.unit,
                        evidence: row.evidence, by: Self.administrator)
                } catch ProgrammeError.invalid(let fields) {
                    #expect(fields[row.field] != nil, "\(row) refused for \(fields)")
                }
            }
            // A computed indicator takes no hand-entered figure; another agency's official and a
            // citizen enter nothing.
            await #expect(throws: ProgrammeError.invalid(["indicator": "programme_error_computed"])) {
                _ = try await programme.record(
                    indicator: "services-online", period: "2026", value: "10", unit: "count", evidence: "x",
                    by: Self.administrator)
            }
            await #expect(throws: ProgrammeError.forbidden) {
                _ = try await programme.record(
                    indicator: "broadband-coverage", period: "2026", value: "87", unit: "percent", evidence: "x",
                    by: Self.otherAgency)
            }
            await #expect(throws: DomainError.forbidden) {
                _ = try await programme.record(
                    indicator: "broadband-coverage", period: "2026", value: "87", unit: "percent", evidence: "x",
                    by: Self.citizen)
            }
            #expect(try await programme.overview().measurements.isEmpty)
            #expect(try await Self.kinds(ledger).isEmpty)

            let stored = try await programme.record(
                indicator: "broadband-coverage", period: "2026-11", value: "87,5", unit: "percent",
                evidence: "https://mdd.gov.kg/report-2026", by: Self.administrator)
            #expect(stored.value == 87.5)
            #expect(try await programme.overview().measurements["broadband-coverage"]?.map(\.value) == [87.5])
            #expect(try await Self.kinds(ledger) == ["programme.measurement.recorded"])
        }
    }

    @Test(arguments: TestEngine.available)
    func aCSVWithAnUnknownRegionStoresNothingAndAGoodOneStoresEveryRow(engine: TestEngine) async throws {
        try await Self.with(engine) { programme, _, ledger, _ in
            let cases: [(csv: String, line: Int, problem: String)] = [
                ("INDICATOR,REGION,YEAR,VALUE\nHH7,BIS,2025,81.2\nHH7,XYZ,2025,70", 3, "programme_error_csv_region"),
                (
                    "indicator,region,year,value\nHH7,BIS,2025,81.2\nHH99,CHU,2025,70", 3,
                    "programme_error_csv_indicator"
                ),
                ("indicator,region,year,value\nHH7,BIS,2025,181.2", 2, "programme_error_csv_value"),
                ("indicator,region,year,value\nHH7,BIS,25,81.2", 2, "programme_error_csv_year"),
                ("indicator,region,year,value\nHH7,BIS,2025", 2, "programme_error_csv_cells"),
                ("region,indicator,year,value\nBIS,HH7,2025,81.2", 1, "programme_error_csv_header"),
                ("indicator,region,year,value\n", 1, "programme_error_csv_size"),
                ("\u{FF}\u{FE}garbage", 1, "programme_error_csv_header"),
            ]
            for item in cases {
                await #expect(throws: ProgrammeError.self) {
                    _ = try await programme.importICT(csv: item.csv, regions: Self.regions, by: Self.administrator)
                }
                do {
                    _ = try await programme.importICT(csv: item.csv, regions: Self.regions, by: Self.administrator)
                } catch ProgrammeError.csv(let line, let problem, _) {
                    #expect(line == item.line && problem == item.problem, "\(item.csv): \(line) \(problem)")
                }
            }
            let tooMany =
                "indicator,region,year,value\n"
                + String(repeating: "HH7,BIS,2025,1\n", count: ProgrammeService.maximumICTRows + 1)
            await #expect(throws: ProgrammeError.csv(line: 1, problem: "programme_error_csv_size", value: "")) {
                _ = try await programme.importICT(csv: tooMany, regions: Self.regions, by: Self.administrator)
            }
            await #expect(throws: DomainError.forbidden) {
                _ = try await programme.importICT(
                    csv: "indicator,region,year,value\nHH7,BIS,2025,81.2", regions: Self.regions, by: Self.citizen)
            }
            #expect(try await programme.overview().ict.isEmpty)
            #expect(try await Self.kinds(ledger).isEmpty)

            let rows = try await programme.importICT(
                csv: "indicator,region,year,value\r\nHH7,BIS,2025,81.2\r\nHH7,CHU,2025,64\r\ni271mw,OSH,2024,92.5\r\n",
                regions: Self.regions, by: Self.administrator)
            #expect(rows == 3)
            #expect(try await programme.overview().ict.count == 3)
            #expect(try await Self.kinds(ledger) == ["programme.ict.imported"])
        }
    }

    static func input(languages: [Language] = Language.allCases, regions: [String] = ["CHU"]) -> AlertInput {
        var texts: [Language: EmergencyAlert.Text] = [:]
        for language in languages {
            texts[language] = .init(
                headline: "Mudflow warning (\(language.rawValue)) <b>&</b>",
                instruction: "Stay away from riverbeds until the warning ends.")
        }
        return AlertInput(
            category: "Geo", severity: "Severe", urgency: "Immediate", certainty: "Likely", regions: regions,
            texts: texts, hours: "12")
    }

    @Test(arguments: TestEngine.available)
    func anAlertWithoutALanguageIsRefusedAndAGoodOneReachesTheRegionAndTheLedger(engine: TestEngine) async throws {
        try await Self.with(engine) { _, alerts, ledger, database in
            await #expect(
                throws: ProgrammeError.invalid([
                    "headline_ru": "programme_error_language", "instruction_ru": "programme_error_language",
                ])
            ) {
                _ = try await alerts.publish(
                    Self.input(languages: [.ky, .en]), regions: Self.regions, by: Self.administrator)
            }
            var unknown = Self.input(regions: ["CHU", "MARS"])
            await #expect(throws: ProgrammeError.invalid(["regions": "programme_error_regions"])) {
                _ = try await alerts.publish(unknown, regions: Self.regions, by: Self.administrator)
            }
            unknown = Self.input()
            unknown.severity = "Apocalyptic"
            unknown.hours = "99999999999999999999"
            await #expect(
                throws: ProgrammeError.invalid(["severity": "programme_error_choice", "hours": "programme_error_hours"])
            ) {
                _ = try await alerts.publish(unknown, regions: Self.regions, by: Self.administrator)
            }
            // Only officials of an authorised agency publish.
            await #expect(throws: ProgrammeError.forbidden) {
                _ = try await alerts.publish(Self.input(), regions: Self.regions, by: Self.otherAgency)
            }
            await #expect(throws: ProgrammeError.forbidden) {
                _ = try await alerts.publish(Self.input(), regions: Self.regions, by: Self.citizen)
            }
            #expect(try await alerts.recent().isEmpty)
            #expect(try await Self.kinds(ledger).isEmpty)
            #expect(try await Self.pendingSMS(database).isEmpty)

            let alert = try await alerts.publish(Self.input(), regions: Self.regions, by: Self.administrator)
            #expect(try await alerts.active().map(\.id) == [alert.id])
            #expect(try await alerts.banner(for: "22511197901022").map(\.id) == [alert.id], "a resident of the region")
            #expect(try await alerts.banner(for: "20303198500231").isEmpty, "someone living elsewhere")
            #expect(try await alerts.banner(for: nil).map(\.id) == [alert.id], "a visitor not signed in")
            #expect(
                try await alerts.inbox(of: "11111111111111").map(\.id) == [alert.id], "in the inbox without a phone")
            let sms = try await Self.pendingSMS(database)
            #expect(sms.map(\.recipient) == ["+996 700 301 022"], "one SMS, to the resident with a phone")
            #expect(sms.first?.body.contains("(ky)") == true && sms.first?.body.contains("(ru)") == true)
            #expect(try await Self.kinds(ledger) == ["programme.alert.published"])
        }
    }

    static func pendingSMS(_ database: Database) async throws -> [OutboxMessage] {
        let sent = Mutex<[OutboxMessage]>([])
        _ = try await OutboxStore(database: database, clock: .system).dispatch(channels: ["sms"]) { message in
            sent.withLock { $0.append(message) }
        }
        return sent.withLock { $0 }
    }

    @Test func theCAPDocumentIsValidCAP12() async throws {
        let alert = EmergencyAlert(
            id: "7f1c2a9e-0000-4000-8000-000000000001", agency: "MDD", category: .geo, severity: .severe,
            urgency: .immediate, certainty: .likely, regions: ["CHU", "BIS"],
            texts: [
                .ky: .init(headline: "Сел коркунучу", instruction: "Дарыя нугунан алыс болуңуз."),
                .ru: .init(headline: "Угроза селя", instruction: "Держитесь подальше от русел рек."),
                .en: .init(headline: "Mudflow <danger> & more", instruction: "Stay away from riverbeds."),
            ], sentAt: 1_800_000_000, expiresAt: 1_800_043_200)
        let xml = CAPDocument.xml(
            alert, sender: "alerts@tazakoom.gov.kg",
            regionNames: ["CHU": LocalizedName(ky: "Чүй облусу", ru: "Чуйская область", en: "Chuy Region")])
        let (status, output) = try CAPSchema.validate(xml)
        #expect(status == 0, "xmllint: \(output)")
        for element in [
            "identifier", "sender", "sent", "status", "msgType", "scope", "info", "category", "event", "urgency",
            "severity", "certainty", "area", "areaDesc",
        ] {
            #expect(xml.contains("<\(element)>"), "CAP needs <\(element)>")
        }
        #expect(xml.contains("<sent>2027-01-15T14:00:00+06:00</sent>"))
        #expect(xml.contains("Mudflow &lt;danger&gt; &amp; more"))
        // And the check itself refuses a document without a required element.
        let (broken, _) = try CAPSchema.validate(xml.replacingOccurrences(of: "<scope>Public</scope>", with: ""))
        #expect(broken != 0)
    }
}
