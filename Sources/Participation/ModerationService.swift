import Core
import Foundation
import Identity
import Ledger

/// Reports and their handling: anyone signed in reports a comment or petition for breaking a
/// published rule (`ModerationReason`); a moderator hides it (never deletes it) or keeps it. Each
/// step is a ledger entry, so the audit trail of what was hidden, by whom and why is public.
public struct ModerationService: Sendable {
    let store: any ModerationStore
    let petitions: PetitionService
    let consultations: ConsultationService
    let clock: Clock

    public init(
        store: any ModerationStore, petitions: PetitionService, consultations: ConsultationService,
        clock: Clock = .system
    ) {
        self.store = store
        self.petitions = petitions
        self.consultations = consultations
        self.clock = clock
    }

    /// Reports one person may file in an hour.
    public static let reportsPerHour = 20
    public static let noteLength = 0...1_000

    /// Files a report; the target must exist and be visible.
    public func report(_ target: ContentReport.Target, reason: ModerationReason, note: String, by person: Principal)
        async throws -> ContentReport
    {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = PlainText.problem(note, Self.noteLength) {
            throw ParticipationError.invalid(["note": problem])
        }
        switch target {
        case .petition(let id):
            guard [.open, .closed].contains(try await petitions.petition(id).status) else {
                throw ParticipationError.notFound
            }
        case .comment(let id):
            guard let comment = try await consultations.store.comment(id), comment.moderation == nil else {
                throw ParticipationError.notFound
            }
        }
        let now = clock.seconds
        let report = ContentReport(
            id: UUID().uuidString.lowercased(), target: target, reason: reason, note: note, createdAt: now)
        let key = PetitionService.authorKey(person.pin)
        try await store.insert(
            report, reporterKey: key, limit: (Self.reportsPerHour, now - 3_600),
            event: try LedgerEvent(
                kind: "participation.report.filed", actor: "reporter:" + key.prefix(16), subject: target.key,
                time: now, details: ["report": report.id, "reason": reason.rawValue, "note": note]))
        return report
    }

    /// Reports waiting for a moderator.
    public func openReports(by moderator: Principal, limit: Int = 100) async throws -> [ContentReport] {
        try PetitionService.mayModerate(moderator)
        return try await store.openReports(limit: limit)
    }

    /// Handles a report: `hide` hides the content for the report's reason; otherwise it is kept.
    public func resolve(_ id: String, hide: Bool, by moderator: Principal) async throws {
        try PetitionService.mayModerate(moderator)
        guard id.count <= 64, let report = try await store.report(id) else { throw ParticipationError.notFound }
        guard report.resolvedAt == nil else { throw ParticipationError.closed }
        if hide {
            do {
                switch report.target {
                case .petition(let petition): try await petitions.hide(petition, reason: report.reason, by: moderator)
                case .comment(let comment):
                    try await consultations.hide(comment, reason: report.reason, by: moderator)
                }
            } catch ParticipationError.closed {
                // Hidden meanwhile (another report of the same content): the outcome stands.
            }
        }
        let now = clock.seconds
        let outcome: ContentReport.Outcome = hide ? .hidden : .kept
        guard
            try await store.resolve(
                id, outcome: outcome, at: now,
                event: try LedgerEvent(
                    kind: "participation.report.resolved", actor: PetitionService.moderatorName(moderator),
                    subject: report.target.key, time: now, details: ["report": id, "outcome": outcome.rawValue]))
        else { throw ParticipationError.closed }
    }
}
