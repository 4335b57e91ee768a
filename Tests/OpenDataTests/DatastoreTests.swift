import Foundation
import OpenData
import Registries
import TestSupport
import Testing

/// CSV files become typed tables, searchable with filters; a bad file leaves nothing behind.
@Suite struct DatastoreTests {
    static let csv = """
        region,year,population,share,capital,counted_on,name
        Chuy,2024,1000,0.5,false,2024-01-01,Tokmok
        Osh,2024,2000,1.25,true,2024-01-02,"Osh, city"
        Chuy,2025,1100,,false,2025-01-01,Kant
        Naryn,2025,300,0.1,false,2025-01-03,Naryn

        """

    @Test(arguments: TestEngine.available)
    func aCSVIsTypedLoadedAndSearchedWithFilters(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine) { fixture in
            _ = try await fixture.healthDataset("population")
            let (dataset, resource) = try await fixture.service.addResource(
                to: "population", ResourceInput(name: TranslatedText(["en": "Population"]), format: "CSV"),
                file: try OpenDataFixture.file(Self.csv), by: OpenDataFixture.health)
            #expect(dataset.version == 2)
            let table = try #require(resource.datastore)
            #expect(table.rows == 4)
            #expect(
                table.schema.fields.map(\.type) == [.string, .integer, .integer, .number, .boolean, .date, .string])

            let query = DatastoreQuery(
                table: DatastoreTableName(resourceID: resource.id, version: 1), schema: table.schema,
                filters: [(0, ["Chuy"]), (1, ["2025"])], text: nil, fields: [0, 2, 3], sort: [], limit: 50, offset: 0,
                includeTotal: true)
            let rows = try await fixture.store.rows(query)
            #expect(rows.total == 1)
            #expect(rows.records == [[.number(3), .string("Chuy"), .number(1100), .null]])

            var byText = query
            byText.filters = []
            byText.text = "osh"
            byText.sort = [(2, true)]
            #expect(try await fixture.store.rows(byText).records.first?[1] == .string("Osh"))
        }
    }

    @Test(arguments: TestEngine.available)
    func aBadFileLoadsNothing(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine, maximumUploadBytes: 1_000) { fixture in
            _ = try await fixture.healthDataset("population")
            let resource = ResourceInput(name: TranslatedText(["en": "Population"]), format: "CSV")
            var windows1251 = Data("region,name\nChuy,".utf8)
            windows1251.append(contentsOf: [0xCA, 0xE0, 0xED, 0xF2])  // "Кант" in Windows-1251
            let bad: [(String, Data)] = [
                ("ragged", Data("a,b\n1,2\n3\n".utf8)),
                ("unclosed quote", Data("a,b\n1,\"2\n".utf8)),
                ("not UTF-8", windows1251),
                ("empty", Data()),
                ("duplicate column", Data("a,a\n1,2\n".utf8)),
                ("oversize", Data(("a,b\n" + String(repeating: "1,2\n", count: 400)).utf8)),
                // "П" (D0 9F) split by a comma: UTF-8 only if the fields are read as one.
                ("UTF-8 across a field boundary", Data([0x61, 0x2C, 0x62, 0x0A, 0xD0, 0x2C, 0x9F, 0x0A])),
            ]
            for (what, data) in bad {
                do {
                    _ = try await fixture.service.addResource(
                        to: "population", resource, file: try OpenDataFixture.file(data), by: OpenDataFixture.health)
                    Issue.record("\(what) was loaded")
                } catch OpenDataError.validation(let problems) {
                    #expect(problems["upload"]?.isEmpty == false, "\(what)")
                }
            }
            // A given schema the values do not fit is refused too.
            await #expect(throws: OpenDataError.self) {
                _ = try await fixture.service.addResource(
                    to: "population", resource, file: try OpenDataFixture.file("a,b\n1,x\n"),
                    schema: TableSchema(fields: [.init(name: "a", type: .integer), .init(name: "b", type: .integer)]),
                    by: OpenDataFixture.health)
            }
            #expect(try await fixture.service.dataset("population").version == 1)
            #expect(try await fixture.tableCount(like: "ods_") == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func aBigTableGetsAnIndexForTheFiltersItIsReadWith(engine: TestEngine) async throws {
        try await OpenDataFixture.with(engine) { fixture in
            _ = try await fixture.healthDataset("big")
            var csv = "region,year,value\n"
            for i in 0..<25_000 { csv += "\(["Chuy", "Osh", "Naryn", "Talas"][i % 4]),\(2000 + i % 25),\(i)\n" }
            let (_, resource) = try await fixture.service.addResource(
                to: "big", ResourceInput(name: TranslatedText(["en": "Big"]), format: "CSV"),
                file: try OpenDataFixture.file(csv), by: OpenDataFixture.health)
            let table = try #require(resource.datastore)
            let name = DatastoreTableName(resourceID: resource.id, version: 1)
            var query = DatastoreQuery(
                table: name, schema: table.schema, filters: [(1, ["2010"]), (0, ["Osh"])], fields: [2], limit: 3,
                includeTotal: true, rowCount: table.rows)
            let before = try await fixture.indexes(on: name.sql).count
            let first = try await fixture.store.rows(query)
            #expect(first.total == 250)
            #expect(try await fixture.indexes(on: name.sql).count == before + 1, "one index on (region, year)")
            _ = try await fixture.store.rows(query)
            #expect(try await fixture.indexes(on: name.sql).count == before + 1, "made once")
            query.filters = []
            #expect(try await fixture.store.rows(query).total == 25_000, "the unfiltered total is the stored count")
        }
    }
}
