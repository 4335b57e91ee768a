import Core
import SQLKit
import Workflow

/// In-app notifications and the notices of escalations written to the outbox.
extension SQLServicesStore {
    public func insertNotifications(_ notes: [(notification: AppNotification, pin: String)], on sql: any SQLDatabase)
        async throws
    {
        for start in stride(from: 0, to: notes.count, by: 100) {
            try await sql.raw(
                .rows(
                    "INSERT INTO notifications (id, pin, application_id, status, reason, created_at) VALUES ",
                    notes[start..<min(start + 100, notes.count)].map { note, pin in
                        [
                            note.id, pin, note.applicationID, note.status.rawValue, note.reason, note.at,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
    }

    public func notifications(of pin: String, limit: Int, on sql: any SQLDatabase) async throws -> [AppNotification] {
        try await sql.raw(
            """
            SELECT * FROM notifications WHERE pin = \(bind: pin) ORDER BY created_at DESC, id LIMIT \(literal: max(1, limit))
            """
        ).all().map { row in
            try Self.notification(row)
        }
    }

    static func notification(_ row: any SQLRow) throws -> AppNotification {
        AppNotification(
            id: try row.decode(column: "id", as: String.self),
            applicationID: try row.decode(column: "application_id", as: String.self),
            status: Application.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .inProgress,
            reason: try row.decode(column: "reason", as: String.self),
            at: try row.decode(column: "created_at", as: Int.self),
            isRead: try row.decode(column: "read_at", as: Int?.self) != nil)
    }

    public func markNotificationsRead(of pin: String, at: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            "UPDATE notifications SET read_at = \(bind: at) WHERE pin = \(bind: pin) AND read_at IS NULL"
        ).run()
    }

    public func notificationsToQueue(limit: Int, on sql: any SQLDatabase) async throws -> [QueuedNotification] {
        try await sql.raw(
            """
            SELECT n.*, a.language, a.service_id FROM notifications n JOIN applications a ON a.id = n.application_id
            WHERE n.queued = 0 ORDER BY n.created_at LIMIT \(literal: max(1, limit))
            """
        ).all().map { row in
            QueuedNotification(
                notification: try Self.notification(row), pin: try row.decode(column: "pin", as: String.self),
                language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .ky,
                serviceID: try row.decode(column: "service_id", as: String.self))
        }
    }

    public func markQueued(_ ids: [String], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)].map { $0 as any Encodable & Sendable }
            try await sql.raw("UPDATE notifications SET queued = 1 WHERE id IN (" + .list(chunk) + ")").run()
        }
    }

    public func latestEscalationNotice(on sql: any SQLDatabase) async throws -> Int {
        let latest = try await sql.raw("SELECT MAX(at) AS at FROM escalation_notices").first(
            decodingColumn: "at", as: Int?.self)
        return (latest ?? nil) ?? 0
    }

    public func noticed(_ escalations: [CaseEscalation], on sql: any SQLDatabase) async throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: escalations.count, by: 500) {
            let chunk = Array(escalations[start..<min(start + 500, escalations.count)])
            let cases = Array(Set(chunk.map(\.caseID))).sorted().map { $0 as any Encodable & Sendable }
            for row in try await sql.raw(
                "SELECT case_id, seq FROM escalation_notices WHERE case_id IN (" + .list(cases) + ")"
            ).all() {
                found.insert(
                    "\(try row.decode(column: "case_id", as: String.self)):\(try row.decode(column: "seq", as: Int.self))"
                )
            }
        }
        return found
    }

    public func recordNotices(_ escalations: [CaseEscalation], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: escalations.count, by: 200) {
            try await sql.raw(
                .rows(
                    "INSERT INTO escalation_notices (case_id, seq, at) VALUES ",
                    escalations[start..<min(start + 200, escalations.count)].map { [$0.caseID, $0.seq, $0.at] },
                    " ON CONFLICT (case_id, seq) DO NOTHING")
            ).run()
        }
    }
}
