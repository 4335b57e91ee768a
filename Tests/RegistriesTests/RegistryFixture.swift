import Core
import Foundation
import Identity
import Ledger
import Registries
import SQLKit
import Storage
import TestSupport

/// A migrated database of one engine with the standard registries, a small demo population, a
/// ledger, and the callers the tests act as.
struct RegistryFixture {
    let database: Database
    let ledger: LedgerService
    let service: RegistryService
    let importer: RegistryImporter

    /// An SRS clerk: SRS owns the population register.
    static let srsClerk = RegistryCaller.official(
        Principal(
            pin: "20106198800712", displayName: "Эрмек Жумабаев",
            post: OfficialPost(agencyCode: "SRS", position: "Clerk", roles: [.clerk])))
    /// A Ministry of Health specialist: may read the population register, not criminal records.
    static let mohSpecialist = RegistryCaller.official(
        Principal(
            pin: "21404199200901", displayName: "Азамат Кадыров",
            post: OfficialPost(agencyCode: "MOH", position: "Specialist", roles: [.specialist])))
    /// A citizen with no post.
    static let citizen = RegistryCaller.official(
        Principal(pin: "11207199000417", displayName: "Айгүл Токтогулова", post: nil))
    static let citizenPIN = "11207199000417"

    static func system(agency: String, scopes: [Scope], revoked: Bool = false) -> RegistryCaller {
        .system(
            APIClient(
                id: "c-\(agency.lowercased())", name: "\(agency) system", agencyCode: agency, scopes: scopes,
                createdAt: 0,
                createdBy: "11502198000555", revokedAt: revoked ? 1 : nil), application: "KG/GOV/\(agency)/backoffice")
    }

    static let purpose = try! Purpose(legalBasis: "Law on State Registration, art. 12", caseNumber: "APP-2026-0001")

    static func with(_ engine: TestEngine, residents: Int = 20, _ body: (RegistryFixture) async throws -> Void)
        async throws
    {
        try await engine.withDatabase(
            migrations: LedgerMigrations.all + IdentityMigrations.all + RegistryMigrations.all
        ) { database in
            try await DemoData.ensureReferenceData(database)
            let ledger = try await LedgerService.open(database, origin: "test.tazakoom.kg/ledger")
            let service = RegistryService(store: SQLRegistryStore(database: database, ledger: ledger), clock: .system)
            let importer = RegistryImporter(database: database, ledger: ledger, registries: service)
            try await DemoRegistries.ensureRegistries(service)
            try await DemoRegistries.seed(database, importer: importer, size: residents, logger: TestLog.quiet)
            try await body(RegistryFixture(database: database, ledger: ledger, service: service, importer: importer))
        }
    }

    func count(_ table: String, where condition: String = "1 = 1") async throws -> Int {
        try await database.withConnection { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition)").first(
                decodingColumn: "n", as: Int.self) ?? -1
        }
    }

    /// Every ledger event, in order.
    func events() async throws -> [LedgerEvent] {
        let size = try await ledger.head().size
        var result: [LedgerEvent] = []
        for index in 0..<size { result.append(try await ledger.entry(at: index).event) }
        return result
    }

    func writeCSV(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tk-import-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
