import Core
import Foundation
import Identity
import Ledger
import Participation
import Storage
import Synchronization
import TestSupport
import Testing

/// Consultations on drafts: comments anchored to a passage, threaded replies, versions and their
/// diff, the authority's answers for the report, and the rules on who may do what and when.
@Suite struct ConsultationTests {
    static let official = Principal(
        pin: "21503198500001", displayName: "Official",
        post: OfficialPost(agencyCode: "JK", position: "Committee staff", roles: [.specialist]))
    static let foreignOfficial = Principal(
        pin: "21503198500002", displayName: "Other official",
        post: OfficialPost(agencyCode: "MOH", position: "Specialist", roles: [.specialist]))
    static let draft = """
        Article 1. This law governs access to public information.

        Article 2. Every person may ask a state body for information it holds.

        Article 3. The body answers within fourteen days.
        """

    static func with(
        _ engine: TestEngine, clock: Clock = .system, _ body: (ConsultationService, LedgerService) async throws -> Void
    ) async throws {
        try await engine.withDatabase(migrations: LedgerMigrations.all + ParticipationMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "participation.test/ledger")
            try await body(
                ConsultationService(store: SQLConsultationStore(database: database, ledger: ledger), clock: clock),
                ledger)
        }
    }

    @Test(arguments: TestEngine.available)
    func commentsAnchorToPassagesRepliesThreadAndEveryCommentIsAnswered(engine: TestEngine) async throws {
        try await Self.with(engine) { service, ledger in
            let consultation = try await service.publish(
                title: "Draft law on access to information", text: Self.draft, authority: "JK", by: Self.official)
            let citizen = PetitionTests.person(1, .low)
            let comment = try await service.comment(
                on: consultation.id, passage: 2, quote: "fourteen days",
                text: "Четырнадцать дней слишком долго: предлагаю семь.", by: citizen)
            let reply = try await service.comment(
                on: consultation.id, passage: 0, text: "Agreed, seven is enough.", replyingTo: comment.id,
                by: PetitionTests.person(2, .low))
            let replyToReply = try await service.comment(
                on: consultation.id, passage: 0, text: "Or ten?", replyingTo: reply.id, by: citizen)
            #expect(reply.parentID == comment.id && reply.passage == 2 && reply.quote == "fourteen days")
            #expect(replyToReply.parentID == comment.id, "a reply to a reply joins the thread")

            let v2 = try await service.revise(
                consultation.id, text: Self.draft.replacingOccurrences(of: "fourteen", with: "seven"),
                note: "Shorter deadline, as proposed.", by: Self.official)
            #expect(v2.number == 2)
            let diff = try await service.diff(consultation.id, from: 1, to: 2)
            #expect(diff.map(\.kind) == [.same, .same, .removed, .added])
            #expect(diff.last?.text == "Article 3. The body answers within seven days.")

            try await service.respond(
                to: comment.id, handling: .accepted, response: "Accepted: the deadline is now seven days.",
                by: Self.official)
            await #expect(throws: ParticipationError.self, "answered once") {
                try await service.respond(
                    to: comment.id, handling: .rejected, response: "Changed our mind after all.", by: Self.official)
            }
            await #expect(throws: ParticipationError.forbidden, "another agency's official") {
                try await service.respond(
                    to: comment.id, handling: .noted, response: "Not ours to answer, really.",
                    by: Self.foreignOfficial)
            }
            await #expect(throws: ParticipationError.forbidden, "a citizen") {
                _ = try await service.revise(consultation.id, text: Self.draft, note: "", by: citizen)
            }
            let final = try await service.revise(
                consultation.id, text: Self.draft.replacingOccurrences(of: "fourteen", with: "seven"),
                note: "Final text.", final: true, by: Self.official)
            #expect(final.isFinal && final.number == 3)
            await #expect(throws: ParticipationError.closed, "no comments after the final text") {
                _ = try await service.comment(on: consultation.id, passage: 0, text: "Too late?", by: citizen)
            }
            let comments = try await service.comments(of: consultation.id)
            #expect(comments.count == 3 && comments.first { $0.id == comment.id }?.handling == .accepted)
            let kinds = try await ledger.entries(from: 0, limit: 100).map { try LedgerEvent(canonical: $0.body).kind }
            #expect(kinds.filter { $0 == "participation.comment.created" }.count == 3)
            #expect(
                kinds.contains("participation.comment.answered") && kinds.contains("participation.consultation.final"))
            let actors = try await ledger.entries(from: 0, limit: 100).map { try LedgerEvent(canonical: $0.body).actor }
            #expect(!actors.contains { $0.contains(citizen.pin) || $0.contains(Self.official.pin) }, "no PIN in clear")
        }
    }

    @Test(arguments: TestEngine.available)
    func badCommentsAreRefusedAndNothingIsStored(engine: TestEngine) async throws {
        let now = Mutex(1_800_000_000)
        let clock = Clock { Date(timeIntervalSince1970: TimeInterval(now.withLock { $0 })) }
        try await Self.with(engine, clock: clock) { service, ledger in
            let consultation = try await service.publish(
                title: "Draft law on access to information", text: Self.draft, authority: "JK", days: 7,
                by: Self.official)
            let before = try await ledger.head().size
            let person = PetitionTests.person(1, .low)
            let bad: [(Int, String, String, String?)] = [
                (0, "", "", nil), (0, "", String(repeating: "x", count: 5_001), nil),
                (0, "", "<script>alert(1)</script>", nil), (9, "", "A passage that does not exist.", nil),
                (-1, "", "A negative passage.", nil), (0, "not in the passage", "The quote is elsewhere.", nil),
                (0, "", "A reply to nothing.", "no-such-comment"),
            ]
            for (passage, quote, text, parent) in bad {
                await #expect(throws: ParticipationError.self, "\(text.prefix(20))") {
                    _ = try await service.comment(
                        on: consultation.id, passage: passage, quote: quote, text: text, replyingTo: parent, by: person)
                }
            }
            await #expect(throws: ParticipationError.self) {
                _ = try await service.publish(
                    title: "Short", text: "Too short.", authority: "JK", by: Self.official)
            }
            await #expect(throws: ParticipationError.forbidden) {
                _ = try await service.publish(
                    title: "Draft law on access to information", text: Self.draft, authority: "JK",
                    by: Self.foreignOfficial)
            }
            #expect(try await ledger.head().size == before, "nothing was stored")
            now.withLock { $0 += 8 * 86_400 }
            await #expect(throws: ParticipationError.closed, "the comment phase is over") {
                _ = try await service.comment(on: consultation.id, passage: 0, text: "Late comment.", by: person)
            }
            #expect(try await service.comments(of: consultation.id).isEmpty)
        }
    }

    @Test func theDiffKeepsReadingOrder() {
        let lines = TextDiff.passages(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])
        #expect(
            lines.map { "\($0.kind.rawValue):\($0.text)" } == [
                "same:a", "removed:b", "added:x", "same:c", "same:d", "added:e",
            ])
        #expect(TextDiff.passages([], ["a"]).map(\.kind) == [.added])
        #expect(TextDiff.passages(["a"], []).map(\.kind) == [.removed])
    }
}
