import Core
import Crypto
import Foundation
import Identity
import Ledger
import Registries
import TestSupport
import Testing

@Suite struct RegistryServiceTests {
    typealias F = RegistryFixture

    @Test(arguments: TestEngine.available)
    func schemaVersionsNeverBreakEarlierRecords(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let v1 = try await f.service.registry("schools")
            let created = try await f.service.create(
                "schools", version: "1",
                content: ["code": "SCH-900", "name": "Test school", "districtCode": "BIS-LEN"],
                by: .official(Self.moesHead), reason: "opened")
            #expect(created.schemaVersion == 1)
            // A compatible version: one optional field more, one more searchable field.
            let v2Schema = try #require(v1.latest).source
                .replacingOccurrences(
                    of: "\"capacity\": {\"type\": \"integer\", \"minimum\": 0}}",
                    with:
                        "\"capacity\": {\"type\": \"integer\", \"minimum\": 0}, \"phone\": {\"type\": \"string\", \"maxLength\": 30}}"
                )
                .replacingOccurrences(
                    of: "\"x-indexed\": [\"districtCode\", \"name\"]",
                    with: "\"x-indexed\": [\"districtCode\", \"name\", \"phone\"]")
            #expect(try await f.service.publish("schools", schemaJSON: v2Schema, by: .official(Self.moesHead)) == 2)
            // The old record reads under both versions; new fields only under the new one.
            for version in ["1", "2", "v2", "2.0"] {
                let read = try await f.service.read(
                    "schools", version: version, match: ["code": "SCH-900"], by: .official(Self.moesHead), purpose: nil)
                #expect(read.content["name"] == .string("Test school"))
            }
            let withPhone: RecordContent = [
                "code": "SCH-901", "name": "New school", "districtCode": "BIS-LEN", "phone": "+996 312 000 000",
            ]
            let error = await #expect(throws: ValidationError.self) {
                try await f.service.create(
                    "schools", version: "1", content: withPhone, by: .official(Self.moesHead), reason: "")
            }
            #expect(error?.fields == [FieldError(field: "phone", messageKey: "error_unknown_field")])
            #expect(
                try await f.service.create(
                    "schools", version: "2", content: withPhone, by: .official(Self.moesHead), reason: ""
                ).schemaVersion == 2)
            #expect(
                try await f.service.list(
                    "schools", version: "2", query: RecordQuery(equals: ["phone": "+996 312 000 000"]),
                    by: .official(Self.moesHead), purpose: nil
                ).total == 1)
            // Incompatible versions are refused with the path at fault, and nothing is published.
            let removed = v2Schema.replacingOccurrences(
                of: ", \"phone\": {\"type\": \"string\", \"maxLength\": 30}", with: ""
            )
            .replacingOccurrences(of: ", \"phone\"]", with: "]")
            let requiredMore = v2Schema.replacingOccurrences(
                of: "\"required\": [\"code\", \"name\", \"districtCode\"]",
                with: "\"required\": [\"code\", \"name\", \"districtCode\", \"capacity\"]")
            let retyped = v2Schema.replacingOccurrences(
                of: "\"capacity\": {\"type\": \"integer\", \"minimum\": 0}",
                with: "\"capacity\": {\"type\": \"string\"}")
            for (schema, path) in [
                (removed, "/properties/phone"), (requiredMore, "/required"), (retyped, "/properties/capacity/type"),
            ] {
                let refused = await #expect(throws: RegistryError.self) {
                    try await f.service.publish("schools", schemaJSON: schema, by: .official(Self.moesHead))
                }
                guard case .incompatibleSchema(let problems)? = refused else {
                    Issue.record("expected incompatibleSchema")
                    continue
                }
                #expect(problems.map(\.path).contains(path), "\(problems)")
            }
            #expect(try await f.service.registry("schools").latestVersion == 2)
            // Only the owner publishes.
            await #expect(throws: DomainError.forbidden) {
                try await f.service.publish("schools", schemaJSON: v2Schema, by: F.srsClerk)
            }
        }
    }

    @Test func badSchemasAreRefusedWithThePathAtFault() throws {
        let cases: [(String, String)] = [
            (
                #"{"type": "object", "x-key": "id", "properties": {"id": {"type": "text"}}, "required": ["id"]}"#,
                "/properties/id/type"
            ),
            (#"{"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}"#, "/x-key"),
            (
                #"{"type": "object", "x-key": "id", "properties": {"id": {"type": "string", "format": "uuid"}}, "required": ["id"]}"#,
                "/properties/id/format"
            ),
            (
                #"{"type": "object", "x-key": "id", "x-indexed": ["n"], "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}, "required": ["id"]}"#,
                "/x-indexed"
            ),
            (
                #"{"type": "object", "x-key": "id", "properties": {"id": {"type": "string"}}, "required": ["id", "ghost"]}"#,
                "/required"
            ),
            (
                #"{"type": "object", "x-key": "id", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": true}"#,
                "/additionalProperties"
            ),
            (
                #"{"type": "object", "x-key": "id", "properties": {"id": {"type": "string", "pattern": "x"}}, "required": ["id"]}"#,
                "/properties/id/pattern"
            ),
            ("not json", "/"),
        ]
        for (text, path) in cases {
            #expect(throws: RegistryError.self) { try RegistrySchema(json: text) }
            do { _ = try RegistrySchema(json: text) } catch {
                guard case .invalidSchema(let problems) = error else {
                    Issue.record("wrong error \(error)")
                    continue
                }
                #expect(problems.map(\.path).contains(path), "\(text): \(problems)")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func historyKeepsEveryVersionWithWhoAndWhyAndDeleteIsSoft(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let person: RecordContent = [
                "pin": "21503198500123", "familyName": "Асанов", "givenName": "Улан", "birthDate": "1985-03-15",
                "sex": "male",
            ]
            let ledgerBefore = try await f.ledger.head().size
            _ = try await f.service.create(
                "population", version: "1", content: person, by: F.srsClerk, reason: "birth registered")
            _ = try await f.service.update(
                "population", version: "1", match: ["pin": "21503198500123"],
                changes: ["address": "Бишкек, Манас пр. 1"], by: F.srsClerk, reason: "moved")
            _ = try await f.service.update(
                "population", version: "1", match: ["pin": "21503198500123"], changes: ["familyName": "Асан уулу"],
                by: F.srsClerk, reason: "name changed")
            _ = try await f.service.delete(
                "population", version: "1", key: "21503198500123", by: F.srsClerk, reason: "registered twice")
            // Gone from reads and searches.
            await #expect(throws: DomainError.notFound) {
                try await f.service.read(
                    "population", version: "1", match: ["pin": "21503198500123"], by: F.srsClerk, purpose: F.purpose)
            }
            #expect(
                try await f.service.list(
                    "population", version: "1", query: RecordQuery(equals: ["familyName": "Асан уулу"]), by: F.srsClerk,
                    purpose: F.purpose
                ).total == 0)
            // Still in the history, each version with its author, reason and ledger entry.
            let history = try await f.service.history(
                "population", key: "21503198500123", by: F.srsClerk, purpose: F.purpose)
            #expect(history.map(\.revision) == [1, 2, 3, 4])
            #expect(history.map(\.reason) == ["birth registered", "moved", "name changed", "registered twice"])
            #expect(history.map(\.deleted) == [false, false, false, true])
            #expect(Set(history.map(\.changedBy)) == ["official:20106198800712"])
            #expect(
                history[2].content["familyName"] == .string("Асан уулу")
                    && history[1].content["familyName"] == .string("Асанов"))
            let kinds = try await f.events().dropFirst(ledgerBefore).map(\.kind)
            #expect(
                kinds.filter { $0.hasPrefix("registry.record.") } == [
                    "registry.record.created", "registry.record.updated", "registry.record.updated",
                    "registry.record.deleted",
                ])
            #expect(Set(history.compactMap(\.ledgerIndex)).count == 4)
            // The key cannot be taken again while the deleted record holds it, and cannot be changed.
            await #expect(throws: DomainError.self) {
                try await f.service.create("population", version: "1", content: person, by: F.srsClerk, reason: "")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aPersonalReadNeedsAPurposeAndIsLoggedOnceForThePersonAndOnceInTheLedger(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let logBefore = try await f.count("data_access_log")
            let ledgerBefore = try await f.ledger.head().size
            let refused = await #expect(throws: ValidationError.self) {
                try await f.service.read(
                    "population", version: "1", match: ["pin": .string(F.citizenPIN)], by: F.mohSpecialist, purpose: nil
                )
            }
            #expect(refused?.fields.first?.messageKey == "error_purpose_required")
            #expect(throws: ValidationError.self) { try Purpose(legalBasis: "  ") }
            #expect(try await f.count("data_access_log") == logBefore)
            #expect(try await f.ledger.head().size == ledgerBefore)

            let record = try await f.service.read(
                "population", version: "1", match: ["pin": .string(F.citizenPIN)], by: F.mohSpecialist,
                purpose: F.purpose)
            #expect(record.content["givenName"] == .string("Айгүл"))
            let log = try await f.service.accessLog(pin: F.citizenPIN)
            #expect(log.count == 1)
            let access = try #require(log.first)
            #expect(
                access.agencyCode == "MOH" && access.readerKind == "official" && access.readerName == "Азамат Кадыров")
            #expect(access.legalBasis == F.purpose.legalBasis && access.caseNumber == "APP-2026-0001")
            let reads = try await f.events().enumerated().filter { $0.element.kind == "registry.read" }
            #expect(reads.count == 1)
            #expect(reads.first?.offset == access.ledgerIndex)
            // The ledger names the person by pseudonym only, and its digest matches the log row.
            let event = try #require(reads.first?.element)
            #expect(!event.subject.contains(F.citizenPIN) && !event.actor.contains("21404199200901"))
            #expect(
                event.subject
                    == (try await f.database.withConnection { sql in
                        try await f.ledger.pseudonym(for: F.citizenPIN, on: sql)
                    }))
            #expect(event.details == Hex.encode(SHA256.hash(data: Data(access.ledgerDetails.canonicalJSON().utf8))))
            // Nobody else's log grew.
            #expect(try await f.service.accessLog(pin: "20303198500231").isEmpty)
            // A list logs each person it returns; a registry of places needs no purpose and logs nothing.
            let page = try await f.service.list(
                "population", version: "1", query: RecordQuery(equals: ["familyName": "Асанова"], pageSize: 100),
                by: F.mohSpecialist, purpose: F.purpose)
            #expect(page.records.count > 1)
            #expect(try await f.count("data_access_log") == logBefore + 1 + page.records.count)
            _ = try await f.service.list(
                "health_facilities", version: "1", query: RecordQuery(), by: F.mohSpecialist, purpose: nil)
            #expect(try await f.count("data_access_log") == logBefore + 1 + page.records.count)
        }
    }

    @Test(arguments: TestEngine.available)
    func agenciesReadOnlyWhatTheyHaveARightTo(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let match: RecordContent = ["pin": .string(F.citizenPIN)]
            // MOH has no right to criminal records, and reading population does not let it write there.
            await #expect(throws: DomainError.forbidden) {
                try await f.service.list(
                    "criminal_records", version: "1", query: RecordQuery(equals: ["pin": F.citizenPIN]),
                    by: F.mohSpecialist, purpose: F.purpose)
            }
            await #expect(throws: DomainError.forbidden) {
                try await f.service.update(
                    "population", version: "1", match: match, changes: ["address": "x"], by: F.mohSpecialist, reason: ""
                )
            }
            // A citizen without a post, a system without the scope, a revoked system: all refused.
            for caller in [
                F.citizen, F.system(agency: "SRS", scopes: [.identityRead]),
                F.system(agency: "SRS", scopes: [.registryRead], revoked: true),
                F.system(agency: "MDD", scopes: [.registryRead]),
            ] {
                await #expect(throws: DomainError.forbidden) {
                    try await f.service.read("population", version: "1", match: match, by: caller, purpose: F.purpose)
                }
            }
            #expect(try await f.count("data_access_log") == 0)
            // The court may write criminal records; a system of the owner reads them.
            let court = RegistryCaller.official(
                Principal(
                    pin: "22511197901022", displayName: "Judge",
                    post: OfficialPost(agencyCode: "SC", position: "Judge", roles: [.head])))
            _ = try await f.service.create(
                "criminal_records", version: "1",
                content: [
                    "id": "CR-T1", "pin": .string(F.citizenPIN), "article": "UK KR 201", "verdictDate": "2020-01-15",
                    "expunged": true,
                ],
                by: court, reason: "verdict")
            #expect(
                try await f.service.exists(
                    "criminal_records", version: "1", match: match,
                    by: F.system(agency: "MOJ", scopes: [.registryRead]), purpose: F.purpose))
            #expect(try await f.service.readable(by: F.mohSpecialist).map(\.name).contains("criminal_records") == false)
        }
    }

    @Test(arguments: TestEngine.available)
    func recordsThatBreakTheSchemaAreRefusedAndNothingIsStored(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let rows = try await f.count("rr_land_parcels")
            let ledger = try await f.ledger.head().size
            let square = JSONValue.object([
                "type": .string("Polygon"),
                "coordinates": .array([
                    .array([
                        .array([.number(74.5), .number(42.8)]), .array([.number(74.6), .number(42.8)]),
                        .array([.number(74.6), .number(42.9)]), .array([.number(74.5), .number(42.8)]),
                    ])
                ]),
            ])
            let good: RecordContent = [
                "cadastralNumber": "1-01-99-0001-0001", "ownerPin": .string(F.citizenPIN), "landUse": "residential",
                "areaSqm": .number(600), "boundary": square,
            ]
            let cases: [(RecordContent, String, String)] = [
                (good.merging(["ownerPin": "31207199000417"]) { $1 }, "ownerPin", "error_pin_sex"),
                (good.merging(["ownerPin": "21503198500999"]) { $1 }, "ownerPin", "error_reference"),
                (good.merging(["landUse": "forest"]) { $1 }, "landUse", "error_not_a_choice"),
                (good.merging(["areaSqm": .number(0)]) { $1 }, "areaSqm", "error_too_small"),
                (good.merging(["areaSqm": "600"]) { $1 }, "areaSqm", "error_type_number"),
                (good.merging(["colour": "green"]) { $1 }, "colour", "error_unknown_field"),
                (
                    good.merging(["boundary": .object(["type": .string("Polygon"), "coordinates": .array([])])]) { $1 },
                    "boundary", "error_geojson"
                ),
                (good.filter { $0.key != "landUse" }, "landUse", "error_required"),
            ]
            for (content, field, key) in cases {
                let error = await #expect(throws: ValidationError.self) {
                    try await f.service.create(
                        "land_parcels", version: "1", content: content, by: F.srsClerk, reason: "")
                }
                #expect(
                    error?.fields.contains(FieldError(field: field, messageKey: key)) == true,
                    "\(field): \(String(describing: error))")
            }
            #expect(try await f.count("rr_land_parcels") == rows)
            #expect(try await f.ledger.head().size == ledger)
            _ = try await f.service.create("land_parcels", version: "1", content: good, by: F.srsClerk, reason: "")
            #expect(try await f.count("rr_land_parcels") == rows + 1)
            // Searching a field that is not indexed is refused rather than scanning the registry.
            await #expect(throws: RegistryError.notSearchable("landUse")) {
                try await f.service.list(
                    "land_parcels", version: "1", query: RecordQuery(equals: ["landUse": "residential"]),
                    by: F.srsClerk, purpose: F.purpose)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aCSVWithOneBadRowImportsNothing(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let before = try await f.count("rr_population")
            let ledger = try await f.ledger.head().size
            let header = CSVWriter.line(SyntheticPopulation.header)
            let good = (5000..<5100).map { CSVWriter.line(SyntheticPopulation.row($0)) }
            var bad = good
            // No given name:
            bad[41] =
                "21503198500123,Асанов,,Маратович,1985-03-15,male,BIS-LEN,\"Ленин к. 1, кв. 2\",+996 700 000 123\r\n"
            bad[77] = "1234,Асанова,Айгүл,,1985-03-15,female,BIS-LEN,,\n"  // PIN too short
            let rejected = await #expect(throws: RegistryError.self) {
                try await f.importer.importCSV(
                    "population", from: try f.writeCSV(([header] + bad).joined()), reason: "", by: .agency("SRS"))
            }
            guard case .importRejected(let refusal)? = rejected else {
                Issue.record("expected a rejection")
                return
            }
            #expect(refusal.rejected.map(\.line) == [43, 79])
            #expect(refusal.rejected.map(\.field) == ["givenName", "pin"])
            #expect(try await f.count("rr_population") == before)
            #expect(try await f.ledger.head().size == ledger)
            // Unknown column, duplicate key, wrong column count.
            for (text, field, key) in [
                (
                    [
                        CSVWriter.line(SyntheticPopulation.header + ["shoeSize"]),
                        CSVWriter.line(SyntheticPopulation.row(1) + ["42"]),
                    ], "shoeSize", "error_unknown_field"
                ),
                ([header] + good.prefix(3) + good.prefix(1), "pin", "error_record_exists"),
                ([header, "21503198500123,Асанов\n"], "", "error_csv_columns"),
            ] {
                let error = await #expect(throws: RegistryError.self) {
                    try await f.importer.importCSV(
                        "population", from: try f.writeCSV(text.joined()), reason: "", by: .agency("SRS"))
                }
                guard case .importRejected(let refusal)? = error else {
                    Issue.record("expected a rejection")
                    continue
                }
                #expect(
                    refusal.rejected.first?.field == field && refusal.rejected.first?.messageKey == key,
                    "\(refusal.rejected)")
            }
            #expect(try await f.count("rr_population") == before)
            // The good file goes in whole, as one ledger entry, and comes back out the same.
            let report = try await f.importer.importCSV(
                "population", from: try f.writeCSV(([header] + good).joined()), reason: "census", by: .agency("SRS"))
            #expect(report.imported == 100)
            #expect(try await f.count("rr_population") == before + 100)
            let added = try await f.events().dropFirst(ledger)
            #expect(added.map(\.kind) == ["registry.imported", "registries.records.sealed"])
            #expect(added.last?.records?.count == 100, "each imported record is sealed")
            let out = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tk-export-\(UUID().uuidString).csv")
            #expect(try await f.importer.exportCSV("population", to: out) == before + 100)
            let exported = try String(contentsOf: out, encoding: .utf8)
            #expect(exported.hasPrefix(header))
            #expect(exported.contains(CSVWriter.line(SyntheticPopulation.row(5050))))
        }
    }

    @Test(arguments: TestEngine.available)
    func aLargeImportRebuildsTheSearchIndexesInsideItsTransaction(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let importer = RegistryImporter(
                database: f.database, ledger: f.ledger, registries: f.service, rebuildIndexesFromBytes: 0)
            let indexes = {
                try await f.count(
                    engine == .sqlite ? "sqlite_master" : "pg_indexes",
                    where: engine == .sqlite ? "name LIKE 'rx_population_%'" : "indexname LIKE 'rx_population_%'")
            }
            #expect(try await indexes() == 1)
            let header = CSVWriter.line(SyntheticPopulation.header)
            let rows = (9000..<9050).map { CSVWriter.line(SyntheticPopulation.row($0)) }
            // Refused: the dropped indexes come back with the rollback.
            await #expect(throws: RegistryError.self) {
                try await importer.importCSV(
                    "population", from: try f.writeCSV(header + rows.joined() + "1,x,y,,1985-01-01,male,,\n"),
                    reason: "", by: .agency("SRS"))
            }
            #expect(try await indexes() == 1)
            // Accepted: rebuilt, and searches by family name find the new rows.
            _ = try await importer.importCSV(
                "population", from: try f.writeCSV(header + rows.joined()), reason: "", by: .agency("SRS"))
            #expect(try await indexes() == 1)
            let family = SyntheticPopulation.row(9001)[1]
            let found = try await f.service.list(
                "population", version: "1", query: RecordQuery(equals: ["familyName": family], pageSize: 100),
                by: F.srsClerk, purpose: F.purpose)
            #expect(found.records.contains { $0.key == SyntheticPopulation.row(9001)[0] })
        }
    }

    static let moesHead = Principal(
        pin: "13009197500333", displayName: "Head",
        post: OfficialPost(agencyCode: "MOES", position: "Head", roles: [.head]))
}
