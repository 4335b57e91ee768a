import Foundation
import Ledger
import OpenData
import Storage
import TestSupport

/// A migrated database with two agencies' organizations and the open-data service over it.
struct OpenDataFixture {
    let database: Database
    let service: OpenDataService
    let store: SQLOpenDataStore
    let ledger: LedgerService

    static let health = Publisher(agencyCode: "MOH", actor: "system:moh-portal")
    static let finance = Publisher(agencyCode: "MOF", actor: "system:mof-portal")

    static func with(
        _ engine: TestEngine, maximumUploadBytes: Int = 64 << 20, _ body: (OpenDataFixture) async throws -> Void
    )
        async throws
    {
        try await engine.withDatabase(migrations: LedgerMigrations.all + OpenDataMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "opendata.test/ledger")
            let store = SQLOpenDataStore(database: database, ledger: ledger)
            let service = OpenDataService(store: store, maximumUploadBytes: maximumUploadBytes)
            try await service.ensure([
                DataOrganization(
                    name: "ministry-of-health", agencyCode: "MOH",
                    title: TranslatedText(["en": "Ministry of Health", "ru": "Министерство здравоохранения"]),
                    description: TranslatedText([:])),
                DataOrganization(
                    name: "ministry-of-finance", agencyCode: "MOF",
                    title: TranslatedText(["en": "Ministry of Finance"]),
                    description: TranslatedText([:])),
            ])
            try await body(OpenDataFixture(database: database, service: service, store: store, ledger: ledger))
        }
    }

    /// A dataset of the ministry of health.
    func healthDataset(
        _ name: String, title: String = "Hospitals", russian: String = "Больницы", tags: [String] = ["health"],
        themes: [String] = ["HEAL"]
    ) async throws -> Dataset {
        try await service.create(
            DatasetInput(
                name: name, title: TranslatedText(["en": title, "ru": russian]),
                notes: TranslatedText(["en": "About \(title)"]),
                organization: "ministry-of-health", licenseID: "CC-BY-4.0", tags: tags, themes: themes),
            by: Self.health)
    }

    /// Writes `text` to a fresh temporary file.
    static func file(_ text: String) throws -> URL {
        try file(Data(text.utf8))
    }

    static func file(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("od-\(UUID().uuidString).csv")
        try data.write(to: url)
        return url
    }

    /// How many rows `table` has, or nil if it does not exist.
    func tableCount(like prefix: String) async throws -> Int {
        try await database.withConnection { sql in
            switch database.engine {
            case .sqlite:
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE \(bind: prefix + "%")"
                )
                .first(decodingColumn: "n", as: Int.self) ?? 0
            case .postgres:
                try await sql.raw("SELECT COUNT(*) AS n FROM pg_tables WHERE tablename LIKE \(bind: prefix + "%")")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
            }
        }
    }

    /// Names of the indexes on `table`.
    func indexes(on table: String) async throws -> [String] {
        try await database.withConnection { sql in
            switch database.engine {
            case .sqlite:
                try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table)")
                    .all(decodingColumn: "name", as: String.self)
            case .postgres:
                try await sql.raw("SELECT indexname AS name FROM pg_indexes WHERE tablename = \(bind: table)")
                    .all(decodingColumn: "name", as: String.self)
            }
        }
    }
}
