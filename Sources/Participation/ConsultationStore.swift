import Ledger

/// Where consultations, their versions and comments live; `SQLConsultationStore` is the one
/// implementation. Each write appends its ledger event in the same transaction.
public protocol ConsultationStore: Sendable {
    /// Stores a consultation with its first version.
    func insert(_ consultation: Consultation, first: DraftVersion, event: LedgerEvent) async throws
    func consultation(_ id: String) async throws -> Consultation?
    /// The consultations, newest first.
    func consultations(limit: Int) async throws -> [Consultation]
    /// Adds `version` if the consultation's current version is still `after`; false otherwise
    /// (someone published another meanwhile). `closing` also ends the comment phase.
    func addVersion(_ version: DraftVersion, to id: String, after: Int, closing: Bool, event: LedgerEvent) async throws
        -> Bool
    func versions(of id: String) async throws -> [DraftVersion]
    /// Stores `comment` if the consultation takes comments at `now`; false otherwise. Throws
    /// `ParticipationError.tooMany` when `authorKey` wrote `limit.count` comments since `limit.since`.
    func insert(
        _ comment: DraftComment, authorKey: String, limit: (count: Int, since: Int), now: Int, event: LedgerEvent
    ) async throws -> Bool
    /// Hides a comment for `reason` (its text stays stored); false if it was hidden already.
    func hide(_ commentID: String, reason: ModerationReason, event: LedgerEvent) async throws -> Bool
    func comment(_ id: String) async throws -> DraftComment?
    /// Every comment of a consultation in the order they were made.
    func comments(of id: String) async throws -> [DraftComment]
    /// Records how a top-level comment was handled; false if it has been answered already.
    func respond(
        to commentID: String, handling: DraftComment.Handling, response: String, at: Int, event: LedgerEvent
    ) async throws -> Bool
}
