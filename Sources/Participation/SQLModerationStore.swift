import Foundation
import Ledger
import SQLKit
import Storage

/// Reports (`participation_reports`) on SQLite or PostgreSQL.
public struct SQLModerationStore: ModerationStore {
    let database: Database
    let ledger: LedgerService

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    public func insert(
        _ report: ContentReport, reporterKey: String, limit: (count: Int, since: Int), event: LedgerEvent
    ) async throws {
        try await database.transaction { sql in
            try await SQLRateLimitStore.check(
                "participation_reports", "reporter_key", key: reporterKey, limit: limit, on: sql)
            try await sql.raw(
                """
                INSERT INTO participation_reports (id, target, reporter_key, reason, note, created_at, resolved_at, outcome)
                VALUES (\(bind: report.id), \(bind: report.target.key), \(bind: reporterKey), \(bind: report.reason.rawValue),
                  \(bind: report.note), \(bind: report.createdAt), NULL, NULL)
                """
            ).run()
            _ = try await ledger.append([event], on: sql)
        }
    }

    public func report(_ id: String) async throws -> ContentReport? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM participation_reports WHERE id = \(bind: id)").first().flatMap(Self.report)
        }
    }

    public func openReports(limit: Int) async throws -> [ContentReport] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT * FROM participation_reports WHERE resolved_at IS NULL ORDER BY created_at, id
                LIMIT \(literal: max(1, limit))
                """
            ).all().compactMap(Self.report)
        }
    }

    private static func report(_ row: any SQLRow) throws -> ContentReport? {
        guard let target = ContentReport.Target(key: try row.decode(column: "target", as: String.self)),
            let reason = ModerationReason(rawValue: try row.decode(column: "reason", as: String.self))
        else { return nil }
        return ContentReport(
            id: try row.decode(column: "id", as: String.self), target: target, reason: reason,
            note: try row.decode(column: "note", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int.self),
            resolvedAt: try row.decode(column: "resolved_at", as: Int?.self),
            outcome: try row.decode(column: "outcome", as: String?.self).flatMap(ContentReport.Outcome.init))
    }

    public func resolve(_ id: String, outcome: ContentReport.Outcome, at: Int, event: LedgerEvent) async throws -> Bool
    {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_reports SET resolved_at = \(bind: at), outcome = \(bind: outcome.rawValue)
                    WHERE id = \(bind: id) AND resolved_at IS NULL RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }
}
