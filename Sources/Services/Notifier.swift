import Core
import Foundation
import Registries
import SQLKit
import Storage

/// Sends an email; the live implementation talks to a mail server, the test one records.
public protocol EmailSender: Sendable {
    func send(to address: String, subject: String, body: String) async throws
}

/// Sends a text message through an SMS gateway.
public protocol SMSSender: Sendable {
    func send(to phone: String, text: String) async throws
}

/// A sender that delivers nothing and remembers everything: tests and the demo use it, and
/// `serve` logs what it would have sent.
public actor RecordingSender: EmailSender, SMSSender {
    /// One message that would have gone out.
    public struct Message: Sendable, Equatable {
        public var channel: String
        public var recipient: String
        public var subject: String
        public var body: String
    }

    public private(set) var messages: [Message] = []

    public init() {}

    public func send(to address: String, subject: String, body: String) async throws {
        messages.append(Message(channel: "email", recipient: address, subject: subject, body: body))
    }

    public func send(to phone: String, text: String) async throws {
        messages.append(Message(channel: "sms", recipient: phone, subject: "", body: text))
    }
}

/// An in-app notification: an application's status changed.
public struct AppNotification: Sendable, Equatable {
    public var id: String
    public var applicationID: String
    public var status: Application.Status
    public var reason: String
    public var at: Int
    public var isRead: Bool
}

/// The notifications of one transaction, written together at its end, so a status change and
/// the notice of it are stored together. `Outbox` turns them into email and SMS later, outside
/// the transactions that change applications.
final class Notifier {
    private var pending:
        [(application: Application, service: Service, status: Application.Status, reason: String, at: Int)] = []

    /// The message about `application` reaching `status`, in the applicant's language.
    static func message(
        number: String, service: Service?, language: Language, status: Application.Status, reason: String
    ) -> (subject: String, body: String) {
        let catalog = Catalog.shipped
        let values = [
            "number": number, "service": service?.title.text(language) ?? "",
            "status": catalog.text("status_\(status.rawValue)", language),
        ]
        let fill = { (template: String) in Self.fill(template, values) }
        var body = fill(catalog.text("notify_body", language))
        if !reason.isEmpty { body += " " + catalog.text("notify_reason", language) + " " + reason }
        return (fill(catalog.text("notify_subject", language)), body)
    }

    /// `{name}` in `template` replaced by `values[name]`, in one pass.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Each status change is a new revision of the application's case, so this names it uniquely
    /// without asking the kernel for random bytes on every submission.
    static func id(
        _ note: (application: Application, service: Service, status: Application.Status, reason: String, at: Int)
    ) -> String {
        "\(note.application.id):\(note.application.stage):\(note.application.caseRevision)"
    }

    func add(_ application: Application, service: Service, status: Application.Status, reason: String, at: Int) {
        pending.append((application, service, status, reason, at))
    }

    /// Writes what was added: one INSERT of notifications, one lookup of contacts, one INSERT of messages.
    func flush(_ sql: any SQLDatabase) async throws {
        guard !pending.isEmpty else { return }
        for chunk in stride(from: 0, to: pending.count, by: 100).map({
            Array(pending[$0..<min($0 + 100, pending.count)])
        }) {
            try await sql.raw(
                .rows(
                    "INSERT INTO notifications (id, pin, application_id, status, reason, created_at) VALUES ",
                    chunk.map { note in
                        [
                            Self.id(note), note.application.applicantPIN, note.application.id, note.status.rawValue,
                            note.reason, note.at,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
        pending = []
    }
}

/// Messages waiting to go out, sent by whichever node gets to them first.
public struct Outbox: Sendable {
    let database: Database
    let email: any EmailSender
    let sms: any SMSSender
    let catalogue: ServiceCatalogue

    /// When messages are marked sent.
    let clock: Clock

    public init(database: Database, email: any EmailSender, sms: any SMSSender, clock: Clock) {
        self.clock = clock
        self.database = database
        self.email = email
        self.sms = sms
        self.catalogue = ServiceCatalogue(database: database)
    }

    /// Writes the email and SMS of up to `limit` notifications not yet queued, in the applicant's
    /// language, to their contacts; each notification is queued once (ids derive from it).
    @discardableResult
    public func queue(limit: Int = 500) async throws -> Int {
        let services = try await catalogue.all()
        return try await database.transaction { sql in
            let rows = try await sql.raw(
                """
                SELECT n.id, n.application_id, n.status, n.reason, n.created_at, a.language, a.service_id, p.email, p.phone
                FROM notifications n JOIN applications a ON a.id = n.application_id LEFT JOIN people p ON p.pin = n.pin
                WHERE n.queued = 0 ORDER BY n.created_at LIMIT \(literal: limit)
                """
            ).all()
            guard !rows.isEmpty else { return 0 }
            var messages: [(id: String, channel: String, recipient: String, subject: String, body: String, at: Int)] =
                []
            var ids: [String] = []
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                ids.append(id)
                let serviceID = try row.decode(column: "service_id", as: String.self)
                let (subject, body) = Notifier.message(
                    number: try row.decode(column: "application_id", as: String.self),
                    service: services.first { $0.id == serviceID },
                    language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .ky,
                    status: Application.Status(rawValue: try row.decode(column: "status", as: String.self))
                        ?? .inProgress,
                    reason: try row.decode(column: "reason", as: String.self))
                let at = try row.decode(column: "created_at", as: Int.self)
                if let address = try row.decode(column: "email", as: String?.self), !address.isEmpty {
                    messages.append((id + ":email", "email", address, subject, body, at))
                }
                if let phone = try row.decode(column: "phone", as: String?.self), !phone.isEmpty {
                    messages.append((id + ":sms", "sms", phone, subject, body, at))
                }
            }
            for start in stride(from: 0, to: messages.count, by: 100) {
                try await sql.raw(
                    .rows(
                        "INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at) VALUES ",
                        messages[start..<min(start + 100, messages.count)].map {
                            [$0.id, $0.channel, $0.recipient, $0.subject, $0.body, "pending", $0.at]
                        },
                        " ON CONFLICT (id) DO NOTHING")
                ).run()
            }
            try await sql.raw("UPDATE notifications SET queued = 1 WHERE id IN (" + .list(ids) + ")").run()
            return ids.count
        }
    }

    /// Sends up to `limit` pending messages; a failure is counted and retried later (at most 5 times).
    /// Writes an email and SMS to the official holding each case whose deadline passed (workflow
    /// escalations), in Kyrgyz and Russian; each escalation once.
    @discardableResult
    public func queueOverdueNotices(limit: Int = 200) async throws -> Int {
        let services = try await catalogue.all()
        return try await database.transaction { sql in
            let rows = try await sql.raw(
                """
                SELECT h.case_id, h.seq, h.details, h.to_state, h.at, a.id AS application_id, a.service_id
                FROM workflow_history h JOIN applications a ON a.case_id = h.case_id
                WHERE h.kind = 'escalated' AND NOT EXISTS (SELECT 1 FROM escalation_notices n WHERE n.case_id = h.case_id AND n.seq = h.seq)
                ORDER BY h.at LIMIT \(literal: limit)
                """
            ).all()
            guard !rows.isEmpty else { return 0 }
            for row in rows {
                let caseID = try row.decode(column: "case_id", as: String.self)
                let seq = try row.decode(column: "seq", as: Int.self)
                try await sql.raw(
                    "INSERT INTO escalation_notices (case_id, seq) VALUES (\(bind: caseID), \(bind: seq)) ON CONFLICT (case_id, seq) DO NOTHING"
                ).run()
                guard
                    case .object(let details)? = try? JSONValue.parse(
                        try row.decode(column: "details", as: String.self)),
                    let official = details["assignee"]?.stringValue, !official.isEmpty,
                    let contact = try await sql.raw("SELECT email, phone FROM people WHERE pin = \(bind: official)")
                        .first()
                else { continue }
                let number = try row.decode(column: "application_id", as: String.self)
                let serviceID = try row.decode(column: "service_id", as: String.self)
                let service = services.first { $0.id == serviceID }
                let state = try row.decode(column: "to_state", as: String?.self) ?? ""
                let text = { (language: Language, key: String) in
                    Notifier.fill(
                        Catalog.shipped.text(key, language),
                        [
                            "number": number, "service": service?.title.text(language) ?? serviceID,
                            "state": Catalog.shipped.text("state_\(state)", language),
                        ])
                }
                let subject = text(.ky, "notify_overdue_subject") + " / " + text(.ru, "notify_overdue_subject")
                let body = text(.ky, "notify_overdue_body") + "\n\n" + text(.ru, "notify_overdue_body")
                let at = try row.decode(column: "at", as: Int.self)
                for (channel, recipient) in [
                    ("email", try contact.decode(column: "email", as: String.self)),
                    ("sms", try contact.decode(column: "phone", as: String.self)),
                ]
                where !recipient.isEmpty {
                    try await sql.raw(
                        """
                        INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at)
                        VALUES (\(bind: "esc:\(caseID):\(seq):\(channel)"), \(bind: channel), \(bind: recipient), \(bind: subject), \(bind: body), 'pending', \(bind: at))
                        ON CONFLICT (id) DO NOTHING
                        """
                    ).run()
                }
            }
            return rows.count
        }
    }

    @discardableResult
    public func dispatch(limit: Int = 100) async throws -> Int {
        try await queue()
        try await queueOverdueNotices()
        let pending = try await database.withConnection { sql in
            try await sql.raw(
                "SELECT id, channel, recipient, subject, body FROM outbox WHERE status = 'pending' ORDER BY created_at LIMIT \(literal: limit)"
            ).all().map { row in
                (
                    try row.decode(column: "id", as: String.self), try row.decode(column: "channel", as: String.self),
                    try row.decode(column: "recipient", as: String.self),
                    try row.decode(column: "subject", as: String.self), try row.decode(column: "body", as: String.self)
                )
            }
        }
        var sent = 0
        for (id, channel, recipient, subject, body) in pending {
            // Claim the message first, so that two nodes never send it twice.
            let claimed = try await database.withConnection { sql in
                try await sql.raw(
                    "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = \(bind: id) AND status = 'pending' RETURNING attempts"
                ).first(decodingColumn: "attempts", as: Int.self)
            }
            guard let attempts = claimed else { continue }
            do {
                if channel == "email" {
                    try await email.send(to: recipient, subject: subject, body: body)
                } else {
                    try await sms.send(to: recipient, text: body)
                }
                let at = clock.seconds
                try await database.withConnection { sql in
                    try await sql.raw("UPDATE outbox SET status = 'sent', sent_at = \(bind: at) WHERE id = \(bind: id)")
                        .run()
                }
                sent += 1
            } catch {
                let next = attempts >= 5 ? "failed" : "pending"
                try await database.withConnection { sql in
                    try await sql.raw(
                        "UPDATE outbox SET status = \(bind: next), last_error = \(bind: String(describing: error).prefix(500).description) WHERE id = \(bind: id)"
                    ).run()
                }
            }
        }
        return sent
    }
}
