import Core
import Foundation
import OpenData
import TestSupport
import Testing

/// Datasets are published by their own agency, versioned, and found by CKAN's q and fq.
@Suite struct CatalogTests {
    @Test(arguments: TestEngine.available)
    func aDatasetIsVersionedAndOnlyItsAgencyMayChangeIt(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine) { fixture in
            let created = try await fixture.healthDataset("hospitals")
            #expect(created.version == 1)
            let updated = try await fixture.service.update(
                "hospitals", DatasetInput(tags: ["health", "beds"]), by: OpenDataFixture.health)
            #expect(updated.version == 2)
            #expect(try await fixture.service.dataset("hospitals", version: 1).tags == ["health"])
            #expect(try await fixture.service.dataset("hospitals").tags == ["health", "beds"])

            await #expect(
                throws: OpenDataError.notAuthorized("Only ministry-of-health's own agency may publish there.")
            ) {
                _ = try await fixture.service.update("hospitals", DatasetInput(tags: []), by: OpenDataFixture.finance)
            }
            await #expect(throws: OpenDataError.self) {
                _ = try await fixture.service.create(
                    DatasetInput(
                        name: "budget", title: TranslatedText(["en": "Budget"]), organization: "ministry-of-health",
                        licenseID: "CC-BY-4.0"), by: OpenDataFixture.finance)
            }
            #expect(try await fixture.service.dataset("hospitals").version == 2, "a refused change changes nothing")
        }
    }

    @Test(arguments: TestEngine.available)
    func badMetadataIsRefusedFieldByFieldAndNothingIsStored(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine) { fixture in
            do {
                _ = try await fixture.service.create(
                    DatasetInput(
                        name: "Bad Name!", title: TranslatedText([:]), organization: "ministry-of-health",
                        licenseID: "proprietary", tags: ["<script>"], themes: ["NOPE"]),
                    by: OpenDataFixture.health)
                Issue.record("a bad dataset was accepted")
            } catch OpenDataError.validation(let problems) {
                #expect(Set(problems.keys) == ["name", "title", "license_id", "tags", "groups"])
            }
            #expect(try await fixture.store.datasetNames(limit: 10, offset: 0).isEmpty)
        }
    }

    @Test(arguments: TestEngine.available)
    func searchFollowsSolrsQuerySyntax(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine) { fixture in
            _ = try await fixture.healthDataset("hospitals", tags: ["health", "beds"])
            _ = try await fixture.healthDataset(
                "pharmacies", title: "Pharmacies", russian: "Аптеки", tags: ["health", "medicine"])
            _ = try await fixture.healthDataset(
                "air-quality", title: "Air quality", russian: "Качество воздуха", tags: ["environment"],
                themes: ["ENVI"])
            func names(_ q: String?, _ fq: [String] = []) async throws -> [String] {
                let expression = try SearchQueryParser.parse(q: q, fq: fq, now: Int(Date().timeIntervalSince1970))
                return try await fixture.service.search(
                    DatasetSearch(
                        expression: expression, sort: [DatasetSort(key: .name, descending: false)], rows: 10, start: 0,
                        facets: [], facetLimit: 10)
                ).datasets.map(\.name)
            }
            #expect(try await names("аптеки") == ["pharmacies"], "Russian words are found, case folded")
            #expect(try await names("pharm") == ["pharmacies"], "a word is a prefix")
            #expect(try await names(nil, ["tags:health"]) == ["hospitals", "pharmacies"])
            #expect(try await names(nil, ["tags:beds OR tags:environment"]) == ["air-quality", "hospitals"])
            #expect(try await names(nil, ["-tags:health"]) == ["air-quality"])
            #expect(try await names(nil, ["groups:ENVI", "organization:ministry-of-health"]) == ["air-quality"])
            #expect(try await names(nil, ["metadata_modified:[2020-01-01T00:00:00Z TO NOW]"]).count == 3)
            #expect(try await names(nil, ["metadata_modified:[* TO 2020-01-01]"]).isEmpty)
            #expect(try await names("name:hosp*") == ["hospitals"])

            let facets = try await fixture.service.search(
                DatasetSearch(expression: .everything, sort: [], rows: 0, start: 0, facets: [.tags], facetLimit: 10))
            #expect(facets.count == 3)
            #expect(facets.facets[.tags]?.first.map { "\($0.value)=\($0.count)" } == "health=2")
        }
    }

    @Test func badQueriesAreRefusedWithAMessage() {
        for bad in [
            "tags:", "(tags:a", "nosuch:x", "name:[a TO b]", "metadata_modified:[yesterday TO NOW]", "tags:a OR",
            "\"open",
        ] {
            #expect(throws: SearchQueryError.self, "\(bad)") {
                _ = try SearchQueryParser.parse(q: nil, fq: [bad], now: 0)
            }
        }
        let deep = String(repeating: "(", count: 40) + "a" + String(repeating: ")", count: 40)
        #expect(throws: SearchQueryError.self) { _ = try SearchQueryParser.parse(q: deep, fq: [], now: 0) }
    }

    @Test func countsOfOneToFourAreNotPublished() {
        #expect([0, 1, 4, 5, 120].map { SmallCounts.cell($0) } == ["0", "", "", "5", "120"])
        #expect(SmallCounts.cell("3.5", over: 4) == "" && SmallCounts.cell("3.5", over: 5) == "3.5")
    }
}
