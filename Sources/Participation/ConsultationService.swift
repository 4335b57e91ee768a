import Core
import Crypto
import Foundation
import Identity
import Ledger

/// Consultations on draft legal acts. The authority's officials publish drafts and versions and
/// answer comments; anyone with an account comments on a passage or replies to a comment while the
/// comment phase lasts. Every step is a ledger entry; a commenter appears there only as a
/// pseudonym for that consultation, and a comment only as the digest of its text.
public struct ConsultationService: Sendable {
    let store: any ConsultationStore
    let clock: Clock

    public init(store: any ConsultationStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Limits on what a consultation and a comment may hold.
    public static let titleLength = 10...300
    public static let textLength = 50...500_000
    public static let noteLength = 0...2_000
    public static let commentLength = 2...5_000
    public static let quoteLength = 0...500
    public static let responseLength = 10...5_000
    public static let commentDays = 7...90
    /// Comments one person may write in ten minutes, across all consultations.
    public static let commentsPerTenMinutes = 10

    /// Publishes a draft by an official of `authority` and opens comments for `days`.
    public func publish(title: String, text: String, authority: String, days: Int = 30, by official: Principal)
        async throws -> Consultation
    {
        try Self.mayRun(authority, official)
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String: String] = [:]
        if let problem = PlainText.problem(title, Self.titleLength) { problems["title"] = problem }
        if let problem = PlainText.problem(text, Self.textLength) { problems["text"] = problem }
        if !Self.commentDays.contains(days) { problems["days"] = "From 7 to 90 days." }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let now = clock.seconds
        let consultation = Consultation(
            id: UUID().uuidString.lowercased(), authority: authority, title: title, status: .comments, createdAt: now,
            commentsUntil: now + days * 86_400, currentVersion: 1)
        let first = DraftVersion(number: 1, text: text, note: "", publishedAt: now, isFinal: false)
        try await store.insert(
            consultation, first: first,
            event: try LedgerEvent(
                kind: "participation.consultation.published", actor: "agency:\(authority)",
                subject: "consultation:\(consultation.id)", time: now,
                details: ["authority": authority, "title": title, "text": Self.digest(text)]))
        return consultation
    }

    /// Publishes a new version of the text; `final` also ends the comment phase.
    public func revise(_ id: String, text: String, note: String, final: Bool = false, by official: Principal)
        async throws -> DraftVersion
    {
        let consultation = try await consultation(id)
        try Self.mayRun(consultation.authority, official)
        var problems: [String: String] = [:]
        if let problem = PlainText.problem(text, Self.textLength) { problems["text"] = problem }
        if let problem = PlainText.problem(note, Self.noteLength) { problems["note"] = problem }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        guard consultation.status == .comments else { throw ParticipationError.closed }
        let now = clock.seconds
        let version = DraftVersion(
            number: consultation.currentVersion + 1, text: text, note: note, publishedAt: now, isFinal: final)
        let event = try LedgerEvent(
            kind: final ? "participation.consultation.final" : "participation.consultation.revised",
            actor: "agency:\(consultation.authority)", subject: "consultation:\(id)", time: now,
            details: ["version": String(version.number), "text": Self.digest(text)])
        guard
            try await store.addVersion(
                version, to: id, after: consultation.currentVersion, closing: final, event: event)
        else { throw ParticipationError.invalid(["text": "Another version was published meanwhile; start again."]) }
        return version
    }

    public func consultation(_ id: String) async throws -> Consultation {
        guard id.count <= 64, let consultation = try await store.consultation(id) else {
            throw ParticipationError.notFound
        }
        return consultation
    }

    public func consultations(limit: Int = 50) async throws -> [Consultation] {
        try await store.consultations(limit: limit)
    }

    public func versions(of id: String) async throws -> [DraftVersion] {
        try await store.versions(of: id)
    }

    /// One comment, hidden or not.
    public func comment(_ id: String) async throws -> DraftComment {
        guard id.count <= 64, let comment = try await store.comment(id) else { throw ParticipationError.notFound }
        return comment
    }

    public func comments(of id: String) async throws -> [DraftComment] {
        try await store.comments(of: id)
    }

    /// Comments on passage `passage` of the current version (marking `quote` within it), or replies
    /// to `parent` (a reply to a reply joins the thread of the comment it answers).
    public func comment(
        on id: String, passage: Int, quote: String = "", text: String, replyingTo parent: String? = nil,
        by person: Principal
    ) async throws -> DraftComment {
        let consultation = try await consultation(id)
        let now = clock.seconds
        guard consultation.takesComments(at: now) else { throw ParticipationError.closed }
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let quote = quote.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String: String] = [:]
        if let problem = PlainText.problem(text, Self.commentLength) { problems["text"] = problem }
        var anchor = (version: consultation.currentVersion, passage: passage, quote: quote)
        var thread: String?
        if let parent {
            guard let answered = try await store.comment(parent), answered.consultationID == id else {
                throw ParticipationError.invalid(["parent": "There is no such comment here."])
            }
            thread = answered.parentID ?? answered.id
            anchor = (answered.version, answered.passage, answered.quote)
        } else {
            let passages = try await store.versions(of: id).last?.passages ?? []
            if !passages.indices.contains(passage) {
                problems["passage"] = "Choose a passage of the text."
            } else if let problem = PlainText.problem(quote, Self.quoteLength) {
                problems["quote"] = problem
            } else if !quote.isEmpty, !passages[passage].contains(quote) {
                problems["quote"] = "The marked words are not in this passage."
            }
        }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let comment = DraftComment(
            id: UUID().uuidString.lowercased(), consultationID: id, version: anchor.version, passage: anchor.passage,
            quote: anchor.quote, parentID: thread, authorName: person.displayName, body: text, createdAt: now)
        let event = try LedgerEvent(
            kind: "participation.comment.created", actor: Self.pseudonym(person.pin, id), subject: "consultation:\(id)",
            time: now,
            details: [
                "comment": comment.id, "passage": String(comment.passage), "version": String(comment.version),
                "text": Self.digest(text), "reply": thread ?? "",
            ])
        guard
            try await store.insert(
                comment, authorKey: PetitionService.authorKey(person.pin),
                limit: (Self.commentsPerTenMinutes, now - 600), now: now, event: event)
        else { throw ParticipationError.closed }
        return comment
    }

    /// The authority's answer to a comment, for the public report: once per comment.
    public func respond(
        to commentID: String, handling: DraftComment.Handling, response: String, by official: Principal
    ) async throws {
        guard commentID.count <= 64, let comment = try await store.comment(commentID) else {
            throw ParticipationError.notFound
        }
        let consultation = try await consultation(comment.consultationID)
        try Self.mayRun(consultation.authority, official)
        let response = response.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = PlainText.problem(response, Self.responseLength) {
            throw ParticipationError.invalid(["response": problem])
        }
        let now = clock.seconds
        let event = try LedgerEvent(
            kind: "participation.comment.answered", actor: "agency:\(consultation.authority)",
            subject: "consultation:\(consultation.id)", time: now,
            details: ["comment": commentID, "handling": handling.rawValue, "response": Self.digest(response)])
        guard try await store.respond(to: commentID, handling: handling, response: response, at: now, event: event)
        else { throw ParticipationError.invalid(["response": "This comment has been answered already."]) }
    }

    /// Hides a comment for `reason`, by a moderator or an official of the consultation's authority:
    /// its place says why, its text stays stored, and the ledger keeps who hid it and why.
    public func hide(_ commentID: String, reason: ModerationReason, by official: Principal) async throws {
        guard commentID.count <= 64, let comment = try await store.comment(commentID) else {
            throw ParticipationError.notFound
        }
        let consultation = try await consultation(comment.consultationID)
        if (try? PetitionService.mayModerate(official)) == nil { try Self.mayRun(consultation.authority, official) }
        let event = try LedgerEvent(
            kind: "participation.comment.hidden", actor: PetitionService.moderatorName(official),
            subject: "consultation:\(consultation.id)", time: clock.seconds,
            details: ["comment": commentID, "reason": reason.rawValue])
        guard try await store.hide(commentID, reason: reason, event: event) else { throw ParticipationError.closed }
    }

    /// How the current text differs from version `from`.
    public func diff(_ id: String, from: Int, to: Int) async throws -> [TextDiff.Line] {
        let versions = try await store.versions(of: id)
        guard let old = versions.first(where: { $0.number == from }),
            let new = versions.first(where: { $0.number == to })
        else { throw ParticipationError.notFound }
        return TextDiff.passages(old.passages, new.passages)
    }

    /// An official of `authority` who decides cases there (a specialist or the head).
    static func mayRun(_ authority: String, _ official: Principal) throws {
        guard official.post?.agencyCode == authority,
            AccessPolicy.permissions(of: official).contains(.runParticipation)
        else { throw ParticipationError.forbidden }
    }

    /// A commenter's name in one consultation's ledger entries.
    static func pseudonym(_ pin: String, _ consultation: String) -> String {
        "commenter:" + Hex.encode(Array(SHA256.hash(data: Data((consultation + ":" + pin).utf8))).prefix(8))
    }

    static func digest(_ text: String) -> String {
        "sha256:" + Hex.encode(Array(SHA256.hash(data: Data(text.utf8))))
    }
}
