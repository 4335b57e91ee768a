import Core
import Foundation
import Identity
import Ledger
import Participation
import Storage
import Synchronization
import TestSupport
import Testing

/// Abuse and its handling: co-sponsors and a moderator's check before a petition opens, rate
/// limits on petitions, comments and reports, and reports that end in hidden (never deleted)
/// content with the rule named and a ledger entry for each step.
@Suite struct ModerationTests {
    static func with(
        _ engine: TestEngine, clock: Clock,
        _ body: (ParticipationServices, LedgerService) async throws -> Void
    ) async throws {
        try await engine.withDatabase(migrations: LedgerMigrations.all + ParticipationMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "participation.test/ledger")
            try await body(
                ParticipationServices(database: database, ledger: ledger, clock: clock, residence: { _ in nil }), ledger
            )
        }
    }

    static func kinds(_ ledger: LedgerService) async throws -> [String] {
        try await ledger.entries(from: 0, limit: 10_000).map { try LedgerEvent(canonical: $0.body).kind }
    }

    @Test(arguments: TestEngine.available)
    func aPetitionOpensOnlyAfterCoSponsorsAndAModeratorAndIsHiddenNotDeleted(engine: TestEngine) async throws {
        let now = Mutex(1_800_000_000)
        let clock = Clock { Date(timeIntervalSince1970: TimeInterval(now.withLock { $0 })) }
        try await Self.with(engine, clock: clock) { services, ledger in
            let petitions = services.petitions
            let author = PetitionTests.person(0)
            let petition = try await petitions.create(
                title: "Clean water in every school", body: "Every school should have clean drinking water.",
                level: .national, area: "KG", days: 30, by: author)
            #expect(petition.status == .sponsoring)
            await #expect(throws: ParticipationError.closed, "no signatures before it opens") {
                _ = try await petitions.sign(petition.id, by: PetitionTests.person(5), region: "CHU", district: "ALA")
            }
            await #expect(throws: ParticipationError.self, "the author is not a co-sponsor") {
                _ = try await petitions.sponsor(petition.id, by: author)
            }
            await #expect(throws: ParticipationError.assuranceTooLow) {
                _ = try await petitions.sponsor(petition.id, by: PetitionTests.person(1, .low))
            }
            #expect(try await petitions.sponsor(petition.id, by: PetitionTests.person(1)) == 1)
            #expect(try await petitions.sponsor(petition.id, by: PetitionTests.person(1)) == 1, "once per person")
            #expect(try await petitions.sponsor(petition.id, by: PetitionTests.person(2)) == 2)
            #expect(try await petitions.petition(petition.id).status == .moderation)
            #expect(try await petitions.awaitingModeration().map(\.id) == [petition.id])

            await #expect(throws: ParticipationError.forbidden, "a citizen does not moderate") {
                try await petitions.moderate(petition.id, approve: true, reason: nil, by: PetitionTests.person(3))
            }
            await #expect(throws: ParticipationError.self, "a rejection names the rule") {
                try await petitions.moderate(petition.id, approve: false, reason: nil, by: PetitionFixtures.moderator)
            }
            now.withLock { $0 += 3 * 86_400 }
            try await petitions.moderate(petition.id, approve: true, reason: nil, by: PetitionFixtures.moderator)
            let opened = try await petitions.petition(petition.id)
            #expect(
                opened.status == .open && opened.deadline == now.withLock { $0 } + 30 * 86_400,
                "the days count from opening")
            await #expect(throws: ParticipationError.closed, "decided once") {
                try await petitions.moderate(petition.id, approve: false, reason: .spam, by: PetitionFixtures.moderator)
            }
            _ = try await petitions.sign(petition.id, by: PetitionTests.person(5), region: "CHU", district: "ALA")

            try await petitions.hide(petition.id, reason: .personalData, by: PetitionFixtures.moderator)
            let hidden = try await petitions.petition(petition.id)
            #expect(hidden.status == .hidden && hidden.moderation == .personalData)
            #expect(hidden.body == petition.body && hidden.signatures == 1, "hidden, not deleted")
            await #expect(throws: ParticipationError.closed) {
                _ = try await petitions.sign(petition.id, by: PetitionTests.person(6), region: "CHU", district: "ALA")
            }
            #expect(try await petitions.petitions().isEmpty, "not listed")

            let rejected = try await petitions.create(
                title: "Buy me a new car please", body: "Send the money to my account number 123.",
                level: .national, area: "KG", by: PetitionTests.person(7))
            _ = try await petitions.sponsor(rejected.id, by: PetitionTests.person(8))
            _ = try await petitions.sponsor(rejected.id, by: PetitionTests.person(9))
            try await petitions.moderate(rejected.id, approve: false, reason: .offTopic, by: PetitionFixtures.moderator)
            #expect(try await petitions.petition(rejected.id).status == .rejected)
            let kinds = try await Self.kinds(ledger)
            for kind in [
                "participation.petition.sponsored", "participation.petition.submitted",
                "participation.petition.published", "participation.petition.hidden", "participation.petition.rejected",
            ] {
                #expect(kinds.contains(kind), "\(kind) is in the ledger")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func ratesAreLimitedPerPersonAndNothingIsStoredPastTheLimit(engine: TestEngine) async throws {
        let now = Mutex(1_800_000_000)
        let clock = Clock { Date(timeIntervalSince1970: TimeInterval(now.withLock { $0 })) }
        try await Self.with(engine, clock: clock) { services, ledger in
            let author = PetitionTests.person(0)
            for n in 0..<PetitionService.petitionsPerDay {
                _ = try await services.petitions.create(
                    title: "Petition number \(n) today", body: "A body long enough to be a petition.",
                    level: .national, area: "KG", by: author)
            }
            let before = try await ledger.head().size
            await #expect(throws: ParticipationError.tooMany) {
                _ = try await services.petitions.create(
                    title: "One petition too many", body: "A body long enough to be a petition.", level: .national,
                    area: "KG", by: author)
            }
            #expect(try await ledger.head().size == before)

            let consultation = try await services.consultations.publish(
                title: "Draft law on access to information", text: ConsultationTests.draft, authority: "JK",
                by: ConsultationTests.official)
            let person = PetitionTests.person(1, .low)
            var comments: [DraftComment] = []
            for n in 0..<ConsultationService.commentsPerTenMinutes {
                comments.append(
                    try await services.consultations.comment(
                        on: consultation.id, passage: n % 3, text: "Comment number \(n).", by: person))
            }
            await #expect(throws: ParticipationError.tooMany) {
                _ = try await services.consultations.comment(
                    on: consultation.id, passage: 0, text: "One comment too many.", by: person)
            }
            #expect(try await services.consultations.comments(of: consultation.id).count == comments.count)
            now.withLock { $0 += 601 }
            _ = try await services.consultations.comment(
                on: consultation.id, passage: 0, text: "Ten minutes later it is fine.", by: person)

            // Reports: filed against a visible comment, handled once, rate-limited.
            let reporter = PetitionTests.person(2, .low)
            let first = try await services.moderation.report(
                .comment(comments[0].id), reason: .offensive, note: "Rude words.", by: reporter)
            await #expect(throws: ParticipationError.notFound) {
                _ = try await services.moderation.report(.comment("nope"), reason: .spam, note: "", by: reporter)
            }
            await #expect(throws: ParticipationError.self, "markup in a note") {
                _ = try await services.moderation.report(
                    .comment(comments[1].id), reason: .spam, note: "<script>x</script>", by: reporter)
            }
            await #expect(throws: ParticipationError.forbidden, "citizens do not see the queue") {
                _ = try await services.moderation.openReports(by: reporter)
            }
            let kept = try await services.moderation.report(
                .comment(comments[1].id), reason: .spam, note: "", by: reporter)
            #expect(try await services.moderation.openReports(by: PetitionFixtures.moderator).count == 2)
            try await services.moderation.resolve(first.id, hide: true, by: PetitionFixtures.moderator)
            try await services.moderation.resolve(kept.id, hide: false, by: PetitionFixtures.moderator)
            await #expect(throws: ParticipationError.closed, "handled once") {
                try await services.moderation.resolve(first.id, hide: false, by: PetitionFixtures.moderator)
            }
            let stored = try await services.consultations.comments(of: consultation.id)
            #expect(stored.first { $0.id == comments[0].id }?.moderation == .offensive)
            #expect(stored.first { $0.id == comments[0].id }?.body == comments[0].body, "hidden, not deleted")
            #expect(stored.first { $0.id == comments[1].id }?.moderation == nil, "kept")
            await #expect(throws: ParticipationError.notFound, "a hidden comment is not reported again") {
                _ = try await services.moderation.report(
                    .comment(comments[0].id), reason: .spam, note: "", by: reporter)
            }
            for n in 2..<ModerationService.reportsPerHour {
                _ = try await services.moderation.report(
                    .comment(comments[1 + n % (comments.count - 1)].id), reason: .spam, note: "", by: reporter)
            }
            await #expect(throws: ParticipationError.tooMany) {
                _ = try await services.moderation.report(
                    .comment(comments[5].id), reason: .spam, note: "", by: reporter)
            }
            let kinds = try await Self.kinds(ledger)
            #expect(kinds.contains("participation.comment.hidden") && kinds.contains("participation.report.resolved"))
        }
    }
}
