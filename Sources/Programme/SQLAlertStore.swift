import Core
import Foundation
import Ledger
import SQLKit
import Storage

/// Emergency alerts and who they reached (`programme_alerts`, `programme_alert_recipients`).
public struct SQLAlertStore: Sendable {
    let database: Database
    let ledger: LedgerService
    let outbox: OutboxStore

    public init(database: Database, ledger: LedgerService, clock: Clock) {
        self.database = database
        self.ledger = ledger
        self.outbox = OutboxStore(database: database, clock: clock)
    }

    /// Stores the alert, its recipients, their SMS and its ledger entry together.
    func insert(_ alert: EmergencyAlert, recipients: [String], messages: [OutboxMessage], event: LedgerEvent)
        async throws
    {
        let texts = String(
            decoding: try JSONEncoder().encode(
                Dictionary(uniqueKeysWithValues: alert.texts.map { ($0.key.rawValue, $0.value) })), as: UTF8.self)
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO programme_alerts (id, agency, category, severity, urgency, certainty, regions, texts, sent_at,
                  expires_at)
                VALUES (\(bind: alert.id), \(bind: alert.agency), \(bind: alert.category.rawValue),
                  \(bind: alert.severity.rawValue), \(bind: alert.urgency.rawValue), \(bind: alert.certainty.rawValue),
                  \(bind: alert.regions.joined(separator: ",")), \(bind: texts), \(bind: alert.sentAt), \(bind: alert.expiresAt))
                """
            ).run()
            for start in stride(from: 0, to: recipients.count, by: 400) {
                let chunk = recipients[start..<min(start + 400, recipients.count)]
                try await sql.raw(
                    .rows(
                        "INSERT INTO programme_alert_recipients (alert_id, pin) VALUES ", chunk.map { [alert.id, $0] })
                ).run()
            }
            try await outbox.enqueue(messages, on: sql)
            _ = try await ledger.append([event], on: sql)
        }
    }

    /// The newest alerts first, those expired before `since` left out.
    func alerts(expiringAfter since: Int, limit: Int) async throws -> [EmergencyAlert] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT * FROM programme_alerts WHERE expires_at > \(bind: since) ORDER BY sent_at DESC, id
                LIMIT \(literal: max(1, limit))
                """
            ).all().compactMap(Self.alert)
        }
    }

    func alert(_ id: String) async throws -> EmergencyAlert? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM programme_alerts WHERE id = \(bind: id)").first().flatMap(Self.alert)
        }
    }

    /// Which of `alerts` reached `pin`.
    func delivered(_ alerts: [String], to pin: String) async throws -> Set<String> {
        guard !alerts.isEmpty else { return [] }
        return try await database.withConnection { sql in
            Set(
                try await sql.raw(
                    "SELECT alert_id FROM programme_alert_recipients WHERE pin = \(bind: pin) AND alert_id IN ("
                        + .list(alerts) + ")"
                ).all().map { try $0.decode(column: "alert_id", as: String.self) })
        }
    }

    /// The alerts that reached `pin`, newest first.
    func alerts(of pin: String, limit: Int) async throws -> [EmergencyAlert] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT a.* FROM programme_alerts a JOIN programme_alert_recipients r ON r.alert_id = a.id
                WHERE r.pin = \(bind: pin) ORDER BY a.sent_at DESC LIMIT \(literal: max(1, limit))
                """
            ).all().compactMap(Self.alert)
        }
    }

    private static func alert(_ row: any SQLRow) throws -> EmergencyAlert? {
        guard let category = EmergencyAlert.Category(rawValue: try row.decode(column: "category", as: String.self)),
            let severity = EmergencyAlert.Severity(rawValue: try row.decode(column: "severity", as: String.self)),
            let urgency = EmergencyAlert.Urgency(rawValue: try row.decode(column: "urgency", as: String.self)),
            let certainty = EmergencyAlert.Certainty(rawValue: try row.decode(column: "certainty", as: String.self)),
            let stored = try? JSONDecoder().decode(
                [String: EmergencyAlert.Text].self, from: Data(try row.decode(column: "texts", as: String.self).utf8))
        else { return nil }
        var texts: [Language: EmergencyAlert.Text] = [:]
        for (code, text) in stored { if let language = Language(rawValue: code) { texts[language] = text } }
        return EmergencyAlert(
            id: try row.decode(column: "id", as: String.self),
            agency: try row.decode(column: "agency", as: String.self),
            category: category, severity: severity, urgency: urgency, certainty: certainty,
            regions: try row.decode(column: "regions", as: String.self).split(separator: ",").map(String.init),
            texts: texts, sentAt: try row.decode(column: "sent_at", as: Int.self),
            expiresAt: try row.decode(column: "expires_at", as: Int.self))
    }
}
