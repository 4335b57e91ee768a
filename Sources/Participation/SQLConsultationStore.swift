import Foundation
import Ledger
import SQLKit
import Storage

/// Consultations, versions and comments (`participation_consultations`, `participation_versions`,
/// `participation_comments`) on SQLite or PostgreSQL.
public struct SQLConsultationStore: ConsultationStore {
    let database: Database
    let ledger: LedgerService

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    public func insert(_ consultation: Consultation, first: DraftVersion, event: LedgerEvent) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO participation_consultations (id, authority, title, status, created_at, comments_until,
                  current_version)
                VALUES (\(bind: consultation.id), \(bind: consultation.authority), \(bind: consultation.title),
                  \(bind: consultation.status.rawValue), \(bind: consultation.createdAt), \(bind: consultation.commentsUntil), 1)
                """
            ).run()
            try await Self.insert(first, of: consultation.id, on: sql)
            _ = try await ledger.append([event], on: sql)
        }
    }

    private static func insert(_ version: DraftVersion, of id: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO participation_versions (consultation_id, number, body, note, published_at, is_final)
            VALUES (\(bind: id), \(bind: version.number), \(bind: version.text), \(bind: version.note),
              \(bind: version.publishedAt), \(bind: version.isFinal ? 1 : 0))
            """
        ).run()
    }

    public func consultation(_ id: String) async throws -> Consultation? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM participation_consultations WHERE id = \(bind: id)").first().map(
                Self.consultation)
        }
    }

    public func consultations(limit: Int) async throws -> [Consultation] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM participation_consultations ORDER BY created_at DESC, id LIMIT \(literal: max(1, limit))"
            ).all().map(Self.consultation)
        }
    }

    private static func consultation(_ row: any SQLRow) throws -> Consultation {
        Consultation(
            id: try row.decode(column: "id", as: String.self),
            authority: try row.decode(column: "authority", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            status: Consultation.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .closed,
            createdAt: try row.decode(column: "created_at", as: Int.self),
            commentsUntil: try row.decode(column: "comments_until", as: Int.self),
            currentVersion: try row.decode(column: "current_version", as: Int.self))
    }

    public func addVersion(_ version: DraftVersion, to id: String, after: Int, closing: Bool, event: LedgerEvent)
        async throws -> Bool
    {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_consultations SET current_version = \(bind: version.number)
                      \(unsafeRaw: closing ? ", status = 'closed'" : "")
                    WHERE id = \(bind: id) AND current_version = \(bind: after) AND status = 'comments' RETURNING id
                    """
                ).first() != nil
            else { return false }
            try await Self.insert(version, of: id, on: sql)
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func versions(of id: String) async throws -> [DraftVersion] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM participation_versions WHERE consultation_id = \(bind: id) ORDER BY number"
            )
            .all().map { row in
                DraftVersion(
                    number: try row.decode(column: "number", as: Int.self),
                    text: try row.decode(column: "body", as: String.self),
                    note: try row.decode(column: "note", as: String.self),
                    publishedAt: try row.decode(column: "published_at", as: Int.self),
                    isFinal: try row.decode(column: "is_final", as: Int.self) == 1)
            }
        }
    }

    public func insert(
        _ comment: DraftComment, authorKey: String, limit: (count: Int, since: Int), now: Int, event: LedgerEvent
    ) async throws -> Bool {
        try await database.transaction { sql in
            try await SQLRateLimitStore.check(
                "participation_comments", "author_key", key: authorKey, limit: limit, on: sql)
            // The consultation's row is read in the writing transaction, so a comment cannot slip in
            // after the phase was closed.
            guard
                try await sql.raw(
                    """
                    UPDATE participation_consultations SET status = status
                    WHERE id = \(bind: comment.consultationID) AND status = 'comments' AND comments_until > \(bind: now)
                    RETURNING id
                    """
                ).first() != nil
            else { return false }
            try await sql.raw(
                """
                INSERT INTO participation_comments (id, consultation_id, version, passage, quote, parent_id, author_name,
                  body, created_at, handling, response, responded_at, author_key, moderation)
                VALUES (\(bind: comment.id), \(bind: comment.consultationID), \(bind: comment.version), \(bind: comment.passage),
                  \(bind: comment.quote), \(bind: comment.parentID), \(bind: comment.authorName), \(bind: comment.body),
                  \(bind: comment.createdAt), NULL, '', NULL, \(bind: authorKey), NULL)
                """
            ).run()
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func comment(_ id: String) async throws -> DraftComment? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM participation_comments WHERE id = \(bind: id)").first().map(Self.comment)
        }
    }

    public func comments(of id: String) async throws -> [DraftComment] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM participation_comments WHERE consultation_id = \(bind: id) ORDER BY created_at, id"
            ).all().map(Self.comment)
        }
    }

    private static func comment(_ row: any SQLRow) throws -> DraftComment {
        DraftComment(
            id: try row.decode(column: "id", as: String.self),
            consultationID: try row.decode(column: "consultation_id", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            passage: try row.decode(column: "passage", as: Int.self),
            quote: try row.decode(column: "quote", as: String.self),
            parentID: try row.decode(column: "parent_id", as: String?.self),
            authorName: try row.decode(column: "author_name", as: String.self),
            body: try row.decode(column: "body", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int.self),
            handling: try row.decode(column: "handling", as: String?.self).flatMap(DraftComment.Handling.init),
            response: try row.decode(column: "response", as: String.self),
            respondedAt: try row.decode(column: "responded_at", as: Int?.self),
            moderation: try row.decode(column: "moderation", as: String?.self).flatMap(ModerationReason.init))
    }

    public func hide(_ commentID: String, reason: ModerationReason, event: LedgerEvent) async throws -> Bool {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_comments SET moderation = \(bind: reason.rawValue)
                    WHERE id = \(bind: commentID) AND moderation IS NULL RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func respond(
        to commentID: String, handling: DraftComment.Handling, response: String, at: Int, event: LedgerEvent
    ) async throws -> Bool {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_comments SET handling = \(bind: handling.rawValue), response = \(bind: response),
                      responded_at = \(bind: at)
                    WHERE id = \(bind: commentID) AND handling IS NULL AND parent_id IS NULL RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }
}
