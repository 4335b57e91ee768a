import Core
import Foundation
import Identity
import Logging
import SQLKit
import Storage

/// The registries every installation starts with, each kept by the agency that owns the facts,
/// and (for the demo) fictitious records in them.
public enum DemoRegistries {
    /// One registry definition: name, owner, titles, schema, and the agencies that may read
    /// (`false`) or also write (`true`).
    struct Definition {
        var name: String
        var owner: String
        var title: LocalizedName
        var schema: String
        var access: [String: Bool]
    }

    static let definitions: [Definition] = [
        Definition(
            name: "population", owner: "SRS",
            title: LocalizedName(ky: "Калк реестри", ru: "Реестр населения", en: "Population register"),
            schema: """
                {"type": "object", "x-key": "pin", "x-personal": "pin", "x-indexed": ["familyName"],
                 "properties": {
                   "pin": {"type": "string", "format": "pin", "title": "PIN"},
                   "familyName": {"type": "string", "minLength": 1, "maxLength": 100},
                   "givenName": {"type": "string", "minLength": 1, "maxLength": 100},
                   "patronymic": {"type": "string", "maxLength": 100},
                   "birthDate": {"type": "string", "format": "date"},
                   "sex": {"type": "string", "enum": ["female", "male"]},
                   "districtCode": {"type": "string", "maxLength": 10},
                   "address": {"type": "string", "maxLength": 300},
                   "phone": {"type": "string", "maxLength": 30}},
                 "required": ["pin", "familyName", "givenName", "birthDate", "sex"], "additionalProperties": false}
                """,
            access: [
                "MOJ": false, "MOH": false, "MOES": false, "MLSS": false, "STS": false, "MOA": false, "BCH": false,
                "OCH": false, "SC": false,
            ]),
        Definition(
            name: "legal_entities", owner: "MOJ",
            title: LocalizedName(
                ky: "Юридикалык жактардын реестри", ru: "Реестр юридических лиц", en: "Register of legal entities"),
            schema: """
                {"type": "object", "x-key": "inn", "x-indexed": ["name", "directorPin"],
                 "properties": {
                   "inn": {"type": "string", "format": "inn"},
                   "name": {"type": "string", "minLength": 1, "maxLength": 300},
                   "legalForm": {"type": "string", "enum": ["LLC", "JSC", "IE", "NGO", "state"]},
                   "registeredOn": {"type": "string", "format": "date"},
                   "districtCode": {"type": "string", "maxLength": 10},
                   "address": {"type": "string", "maxLength": 300},
                   "directorPin": {"type": "string", "format": "pin", "x-ref": "population"}},
                 "required": ["inn", "name", "legalForm", "registeredOn"], "additionalProperties": false}
                """,
            access: ["STS": false, "SRS": false, "MLSS": false, "BCH": false, "OCH": false]),
        Definition(
            name: "land_parcels", owner: "SRS",
            title: LocalizedName(
                ky: "Жер участокторунун кадастры", ru: "Кадастр земельных участков", en: "Land parcel cadastre"),
            schema: """
                {"type": "object", "x-key": "cadastralNumber", "x-personal": "ownerPin", "x-indexed": ["ownerPin", "districtCode"],
                 "properties": {
                   "cadastralNumber": {"type": "string", "minLength": 5, "maxLength": 40},
                   "ownerPin": {"type": "string", "format": "pin", "x-ref": "population"},
                   "districtCode": {"type": "string", "maxLength": 10},
                   "landUse": {"type": "string", "enum": ["residential", "agricultural", "commercial", "industrial"]},
                   "areaSqm": {"type": "number", "minimum": 1},
                   "boundary": {"type": "object", "format": "geojson"}},
                 "required": ["cadastralNumber", "ownerPin", "landUse", "areaSqm", "boundary"], "additionalProperties": false}
                """,
            access: ["MOA": false, "STS": false, "MOJ": false, "BCH": false, "OCH": false]),
        Definition(
            name: "vehicles", owner: "SRS",
            title: LocalizedName(
                ky: "Унаа каражаттарынын реестри", ru: "Реестр транспортных средств", en: "Vehicle register"),
            schema: """
                {"type": "object", "x-key": "plate", "x-personal": "ownerPin", "x-indexed": ["ownerPin", "vin"],
                 "properties": {
                   "plate": {"type": "string", "minLength": 5, "maxLength": 12},
                   "vin": {"type": "string", "minLength": 17, "maxLength": 17},
                   "make": {"type": "string", "maxLength": 50},
                   "model": {"type": "string", "maxLength": 50},
                   "year": {"type": "integer", "minimum": 1950, "maximum": 2100},
                   "ownerPin": {"type": "string", "format": "pin", "x-ref": "population"}},
                 "required": ["plate", "vin", "make", "year", "ownerPin"], "additionalProperties": false}
                """,
            access: ["STS": false, "MOJ": false]),
        Definition(
            name: "criminal_records", owner: "MOJ",
            title: LocalizedName(ky: "Соттуулук реестри", ru: "Реестр судимостей", en: "Criminal records"),
            schema: """
                {"type": "object", "x-key": "id", "x-personal": "pin", "x-indexed": ["pin"],
                 "properties": {
                   "id": {"type": "string", "minLength": 3, "maxLength": 20},
                   "pin": {"type": "string", "format": "pin", "x-ref": "population"},
                   "article": {"type": "string", "maxLength": 100},
                   "court": {"type": "string", "maxLength": 200},
                   "verdictDate": {"type": "string", "format": "date"},
                   "sentence": {"type": "string", "maxLength": 300},
                   "expunged": {"type": "boolean"}},
                 "required": ["id", "pin", "article", "verdictDate", "expunged"], "additionalProperties": false}
                """,
            access: ["SC": true]),
        Definition(
            name: "schools", owner: "MOES",
            title: LocalizedName(ky: "Мектептер", ru: "Школы", en: "Schools"),
            schema: """
                {"type": "object", "x-key": "code", "x-indexed": ["districtCode", "name"],
                 "properties": {
                   "code": {"type": "string", "minLength": 3, "maxLength": 20},
                   "name": {"type": "string", "minLength": 1, "maxLength": 200},
                   "districtCode": {"type": "string", "maxLength": 10},
                   "languages": {"type": "string", "maxLength": 50},
                   "capacity": {"type": "integer", "minimum": 0}},
                 "required": ["code", "name", "districtCode"], "additionalProperties": false}
                """,
            access: ["SRS": false, "MLSS": false, "BCH": false, "OCH": false]),
        Definition(
            name: "health_facilities", owner: "MOH",
            title: LocalizedName(
                ky: "Саламаттык сактоо уюмдары", ru: "Организации здравоохранения", en: "Health facilities"),
            schema: """
                {"type": "object", "x-key": "code", "x-indexed": ["districtCode", "name"],
                 "properties": {
                   "code": {"type": "string", "minLength": 3, "maxLength": 20},
                   "name": {"type": "string", "minLength": 1, "maxLength": 200},
                   "kind": {"type": "string", "enum": ["hospital", "family_medicine_centre", "feldsher_post", "polyclinic"]},
                   "districtCode": {"type": "string", "maxLength": 10},
                   "beds": {"type": "integer", "minimum": 0}},
                 "required": ["code", "name", "kind", "districtCode"], "additionalProperties": false}
                """,
            access: ["MLSS": false, "MOES": false, "BCH": false, "OCH": false]),
    ]

    /// Creates the standard registries that are missing (safe when several nodes start at once).
    public static func ensureRegistries(_ service: RegistryService) async throws {
        let existing = try await service.catalogue().registries
        for definition in definitions where existing[definition.name] == nil {
            do {
                try await service.createRegistry(
                    name: definition.name, owner: definition.owner, title: definition.title,
                    schemaJSON: definition.schema, by: .agency(definition.owner))
            } catch DomainError.conflict {
                continue  // another node created it first
            }
            for (agency, canWrite) in definition.access {
                try await service.grant(definition.name, to: agency, canWrite: canWrite)
            }
        }
    }

    /// Fills the registries with fictitious records once: the demo people, `size` synthetic
    /// residents, and companies, parcels, vehicles, records, schools and clinics in proportion.
    /// Returns false when it was done before.
    @discardableResult
    public static func seed(_ database: Database, importer: RegistryImporter, size: Int, logger: Logger) async throws
        -> Bool
    {
        try await SeedOnce.run("demo_registries_seeded", in: database) {
            for (name, rows) in records(size: size) {
                let report = try await importer.importRows(
                    name, rows, reason: "demo data", by: .agency(owner(of: name)))
                logger.debug("demo registry loaded", metadata: ["registry": "\(name)", "rows": "\(report.imported)"])
            }
            return true
        }
    }

    static func owner(of name: String) -> String { definitions.first { $0.name == name }?.owner ?? "SRS" }

    /// Demo rows per registry, header first, in an order that satisfies references.
    static func records(size: Int) -> [(String, [[String]])] {
        let demo = DemoData.people.map { p -> [String] in
            let pin = (try? PIN(p.0)) ?? nil
            return [
                p.0, p.1, p.2, p.3, pin?.birthDate.description ?? "1990-01-01", pin?.sex.rawValue ?? "female", p.4, p.5,
                p.6,
            ]
        }
        let synthetic = (0..<size).map(SyntheticPopulation.row)
        let residents = demo + synthetic
        let pins = residents.map { $0[0] }
        func pin(_ i: Int) -> String { pins[i % pins.count] }

        var entities = [["inn", "name", "legalForm", "registeredOn", "districtCode", "address", "directorPin"]]
        for o in DemoData.organisations {
            let inn = (try? INN(o.0))?.embeddedDate.description ?? "2015-01-01"
            entities.append([o.0, o.1, o.2, inn, o.3, o.4, o.5])
        }
        var parcels = [["cadastralNumber", "ownerPin", "districtCode", "landUse", "areaSqm", "boundary"]]
        var vehicles = [["plate", "vin", "make", "model", "year", "ownerPin"]]
        let makes = [
            ("Toyota", "Camry"), ("Honda", "Fit"), ("Lexus", "RX 350"), ("Mercedes-Benz", "E 200"), ("Daewoo", "Matiz"),
            ("Hyundai", "Sonata"),
        ]
        for i in 0..<max(4, residents.count / 5) {
            // The named demo people own the first parcels (parcel i is person i's), so each can
            // apply for a building permit on their own land.
            let owner = i < demo.count ? pins[i] : pin(i * 3)
            // A small square near Bishkek for each parcel, about 20 m a side.
            let lon = 74.55 + Double(i % 100) * 0.001
            let lat = 42.85 + Double(i / 100 % 100) * 0.001
            let ring = [
                [lon, lat], [lon + 0.0003, lat], [lon + 0.0003, lat + 0.0002], [lon, lat + 0.0002], [lon, lat],
            ]
            let boundary =
                "{\"type\":\"Polygon\",\"coordinates\":[[" + ring.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",")
                + "]]}"
            parcels.append([
                String(format: "1-01-%02d-%04d-%04d", i % 20, i / 20 % 10000, i), owner,
                SyntheticPopulation.districts[i % 20],
                ["residential", "agricultural", "commercial"][i % 3], String(400 + i % 1600), boundary,
            ])
            let (make, model) = makes[i % makes.count]
            vehicles.append([
                Self.plate(i),
                String(format: "JTDBR32E%09d", i),
                make, model, String(2000 + i % 25), pin(i * 7 + 1),
            ])
        }
        var crimes = [["id", "pin", "article", "court", "verdictDate", "sentence", "expunged"]]
        for i in stride(from: 9, to: synthetic.count, by: 97) {
            crimes.append([
                String(format: "CR-%06d", i), synthetic[i][0],
                ["UK KR 201 (theft)", "UK KR 279 (hooliganism)", "UK KR 208 (fraud)"][i % 3],
                "Первомайский районный суд г. Бишкек", "20\(10 + i % 15)-0\(1 + i % 9)-1\(i % 9)", "fine",
                i % 2 == 0 ? "true" : "false",
            ])
        }
        var schools = [["code", "name", "districtCode", "languages", "capacity"]]
        var clinics = [["code", "name", "kind", "districtCode", "beds"]]
        for (i, district) in SyntheticPopulation.districts.enumerated() {
            schools.append([
                String(format: "SCH-%03d", i + 1), "№\(i + 1) орто мектеп / School No. \(i + 1)", district,
                i % 3 == 0 ? "ky,ru" : "ky", String(600 + i * 40),
            ])
            let kinds = ["hospital", "family_medicine_centre", "feldsher_post", "polyclinic"]
            clinics.append([
                String(format: "HF-%03d", i + 1), "\(district) саламаттык борбору / Health centre \(i + 1)",
                kinds[i % 4], district, String(i % 4 == 0 ? 120 : 0),
            ])
        }
        return [
            ("population", [SyntheticPopulation.header] + residents), ("legal_entities", entities),
            ("land_parcels", parcels),
            ("vehicles", vehicles), ("criminal_records", crimes), ("schools", schools), ("health_facilities", clinics),
        ]
    }

    /// The `i`th demo plate, as Kyrgyz plates read (region, KG, three digits, three letters): unique
    /// for the first 158 million, so a demo of any size loads.
    static func plate(_ i: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let series = i / 1000
        let suffix = String([letters[series / 676 % 26], letters[series / 26 % 26], letters[series % 26]])
        return String(format: "%02dKG%03d", 1 + series / 17_576 % 9, i % 1000) + suffix
    }
}
