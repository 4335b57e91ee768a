import Core
import Foundation
import Identity
import Ledger
import Participation
import SQLKit
import Storage
import Synchronization
import TestSupport
import Testing

/// Petitions: one person one signature even when attempts race, withdrawal, the duty to answer
/// fires once, and a recount from the ledger alone equals the published figure unless the ledger
/// was tampered with.
@Suite struct PetitionTests {
    static func person(_ n: Int, _ assurance: Assurance = .substantial) -> Principal {
        Principal(
            pin: "2150319850\(String(format: "%04d", n))", displayName: "Person \(n)", post: nil, assurance: assurance)
    }

    static func with(
        _ engine: TestEngine, clock: Clock = .system,
        _ body: (PetitionService, LedgerService, Database) async throws -> Void
    ) async throws {
        try await engine.withDatabase(migrations: LedgerMigrations.all + ParticipationMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "participation.test/ledger")
            let service = PetitionService(store: SQLPetitionStore(database: database, ledger: ledger), clock: clock)
            try await body(service, ledger, database)
        }
    }

    static func kinds(_ ledger: LedgerService, _ kind: String) async throws -> Int {
        try await ledger.entries(from: 0, limit: 10_000).filter { (try LedgerEvent(canonical: $0.body)).kind == kind }
            .count
    }

    @Test(arguments: TestEngine.available)
    func onePersonOneSignatureEvenWhenAttemptsRace(engine: TestEngine) async throws {
        try await Self.with(engine) { service, ledger, _ in
            let petition = try await service.opened(
                title: "Light the Ala-Too square", body: "Please light the square after dark for safety.",
                level: .city, area: "BISHKEK", threshold: 5, by: Self.person(0))
            // The same person twenty times at once, and ten others at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in 0..<30 {
                    group.addTask {
                        _ = try await service.sign(
                            petition.id, by: Self.person(attempt < 20 ? 1 : attempt), region: "BISHKEK",
                            district: "LENIN")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await service.petition(petition.id).signatures == 11)
            #expect(try await Self.kinds(ledger, "participation.petition.signed") == 11)
            #expect(try await Self.kinds(ledger, "participation.petition.threshold") == 1, "the duty fires once")
            #expect(try await service.petition(petition.id).dutyAt != nil)
            #expect(
                try await service.sign(petition.id, by: Self.person(1), region: "BISHKEK", district: "LENIN")
                    == .alreadySigned(total: 11))
            #expect(try await service.counts(petition.id).map(\.signatures) == [11])

            // Withdrawal: counted down once; again is refused; signing anew counts again.
            #expect(try await service.withdraw(petition.id, by: Self.person(1)) == 10)
            await #expect(throws: ParticipationError.self) {
                _ = try await service.withdraw(petition.id, by: Self.person(1))
            }
            #expect(
                try await service.sign(petition.id, by: Self.person(1), region: "BISHKEK", district: "LENIN")
                    == .signed(total: 11))
            #expect(try await Self.kinds(ledger, "participation.petition.threshold") == 1, "still once")
        }
    }

    @Test(arguments: TestEngine.available)
    func theRecountFromTheLedgerEqualsThePublishedTallyUntilTheLedgerIsTamperedWith(engine: TestEngine) async throws {
        try await Self.with(engine) { service, ledger, database in
            let petition = try await service.opened(
                title: "A bus line to Kok-Jar", body: "Residents of Kok-Jar ask for a municipal bus line.",
                level: .city, area: "BISHKEK", by: Self.person(0))
            let other = try await service.opened(
                title: "Trees on Chui avenue", body: "Plant trees along Chui avenue instead of cutting them.",
                level: .city, area: "BISHKEK", by: Self.person(0))
            for n in 1...12 {
                _ = try await service.sign(petition.id, by: Self.person(n), region: "BISHKEK", district: "OKTYABR")
                _ = try await service.sign(other.id, by: Self.person(n), region: "BISHKEK", district: "OKTYABR")
            }
            _ = try await service.withdraw(petition.id, by: Self.person(3))
            _ = try await service.withdraw(petition.id, by: Self.person(7))
            let published = try await service.petition(petition.id).signatures
            #expect(published == 10)
            let recount = {
                try await PetitionRecount.tally(petition.id) { try await ledger.entries(from: $0, limit: $1) }
            }
            #expect(try await recount() == published)

            // One withdrawal's entry rewritten as a signature: the recount no longer agrees.
            let entries = try await ledger.entries(from: 0, limit: 10_000)
            let (index, body) = try #require(
                entries.first { (try? LedgerEvent(canonical: $0.body))?.kind == "participation.petition.withdrawn" })
            var forged = try LedgerEvent(canonical: body)
            forged.kind = "participation.petition.signed"
            let bytes = forged.canonicalBytes
            try await database.withConnection { sql in
                try await sql.raw("UPDATE ledger_entries SET body = \(bind: bytes) WHERE idx = \(bind: index)").run()
            }
            #expect(try await recount() != published)
            await #expect(throws: (any Error).self, "and the ledger's own audit fails") { _ = try await ledger.audit() }
        }
    }

    @Test(arguments: TestEngine.available)
    func badInputChangesNothing(engine: TestEngine) async throws {
        let now = Mutex(1_800_000_000)
        let clock = Clock { Date(timeIntervalSince1970: TimeInterval(now.withLock { $0 })) }
        try await Self.with(engine, clock: clock) { service, ledger, _ in
            let before = try await ledger.head().size
            let bad: [(String, String)] = [
                ("", "A body long enough to pass the minimum length."),
                (String(repeating: "x", count: 201), "A body long enough."),
                ("A good title here", ""), ("A good title here", String(repeating: "y", count: 10_001)),
                ("<script>alert(1)</script>", "A body long enough to pass the minimum."),
                ("A good title here", "Click <a href=\"http://evil\">here</a> to sign."),
            ]
            for (title, body) in bad {
                await #expect(throws: ParticipationError.self, "\(title.prefix(20))") {
                    _ = try await service.create(
                        title: title, body: body, level: .national, area: "KG", by: Self.person(0))
                }
            }
            await #expect(throws: ParticipationError.assuranceTooLow) {
                _ = try await service.create(
                    title: "A good title here", body: "A body long enough to pass.", level: .national, area: "KG",
                    by: Self.person(0, .low))
            }
            #expect(try await ledger.head().size == before, "nothing was stored")

            let petition = try await service.opened(
                title: "A good title here", body: "A body long enough to pass.", level: .national, area: "KG", days: 7,
                by: Self.person(0))
            await #expect(throws: ParticipationError.assuranceTooLow) {
                _ = try await service.sign(petition.id, by: Self.person(1, .low), region: "CHUY", district: "ALAMUDUN")
            }
            _ = try await service.sign(petition.id, by: Self.person(2), region: "CHUY", district: "ALAMUDUN")
            now.withLock { $0 += 8 * 86_400 }
            await #expect(throws: ParticipationError.closed) {
                _ = try await service.sign(petition.id, by: Self.person(3), region: "CHUY", district: "ALAMUDUN")
            }
            await #expect(throws: ParticipationError.self) {
                _ = try await service.withdraw(petition.id, by: Self.person(2))
            }
            #expect(try await service.petition(petition.id).signatures == 1, "nothing counted after the deadline")
            await #expect(throws: ParticipationError.notFound) {
                _ = try await service.sign("nope", by: Self.person(3), region: "CHUY", district: "ALAMUDUN")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func thresholdsAreConfiguredPerLevel(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: LedgerMigrations.all + ParticipationMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "participation.test/ledger")
            let service = PetitionService(
                store: SQLPetitionStore(database: database, ledger: ledger), thresholds: (50_000, 300))
            let city = try await service.create(
                title: "Trolleybuses on Manas avenue", body: "Bring the trolleybus back to Manas avenue.",
                level: .city, area: "BIS", by: Self.person(0))
            let national = try await service.create(
                title: "A national day of trees", body: "Every year, one day when everyone plants a tree.",
                level: .national, area: "KG", by: Self.person(0))
            #expect(city.threshold == 300 && national.threshold == 50_000)
        }
    }
}
