import Core
import Foundation
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

/// Writes notifications and outgoing messages in the caller's transaction, so that a status
/// change and the message about it are stored together; `OutboxDispatcher` sends them later.
struct Notifier: Sendable {
    /// The message about `application` reaching `status`, in the applicant's language.
    static func message(_ application: Application, service: Service, status: Application.Status, reason: String) -> (subject: String, body: String) {
        let language = application.language
        let catalog = Catalog.shipped
        let fill = { (template: String) in
            template.replacingOccurrences(of: "{number}", with: application.id)
                .replacingOccurrences(of: "{service}", with: service.title.text(language))
                .replacingOccurrences(of: "{status}", with: catalog.text("status_\(status.rawValue)", language))
        }
        var body = fill(catalog.text("notify_body", language))
        if !reason.isEmpty { body += " " + catalog.text("notify_reason", language) + " " + reason }
        return (fill(catalog.text("notify_subject", language)), body)
    }

    static func notify(_ sql: any SQLDatabase, _ application: Application, service: Service, status: Application.Status, reason: String, at: Int) async throws {
        try await sql.raw("""
            INSERT INTO notifications (id, pin, application_id, status, reason, created_at)
            VALUES (\(bind: Secrets.token()), \(bind: application.applicantPIN), \(bind: application.id), \(bind: status.rawValue), \(bind: reason), \(bind: at))
            """).run()
        let (subject, body) = message(application, service: service, status: status, reason: reason)
        guard let row = try await sql.raw("SELECT email, phone FROM people WHERE pin = \(bind: application.applicantPIN)").first() else { return }
        for (channel, recipient) in [("email", try row.decode(column: "email", as: String.self)), ("sms", try row.decode(column: "phone", as: String.self))]
        where !recipient.isEmpty {
            try await sql.raw("""
                INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at)
                VALUES (\(bind: Secrets.token()), \(bind: channel), \(bind: recipient), \(bind: subject), \(bind: body), 'pending', \(bind: at))
                """).run()
        }
    }
}

/// Messages waiting to go out, sent by whichever node gets to them first.
public struct Outbox: Sendable {
    let database: Database
    let email: any EmailSender
    let sms: any SMSSender

    public init(database: Database, email: any EmailSender, sms: any SMSSender) {
        self.database = database
        self.email = email
        self.sms = sms
    }

    /// Sends up to `limit` pending messages; a failure is counted and retried later (at most 5 times).
    @discardableResult
    public func dispatch(limit: Int = 100) async throws -> Int {
        let pending = try await database.withConnection { sql in
            try await sql.raw("SELECT id, channel, recipient, subject, body FROM outbox WHERE status = 'pending' ORDER BY created_at LIMIT \(literal: limit)").all().map { row in
                (try row.decode(column: "id", as: String.self), try row.decode(column: "channel", as: String.self), try row.decode(column: "recipient", as: String.self),
                 try row.decode(column: "subject", as: String.self), try row.decode(column: "body", as: String.self))
            }
        }
        var sent = 0
        for (id, channel, recipient, subject, body) in pending {
            // Claim the message first, so that two nodes never send it twice.
            let claimed = try await database.withConnection { sql in
                try await sql.raw("UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = \(bind: id) AND status = 'pending' RETURNING attempts").first(decodingColumn: "attempts", as: Int.self)
            }
            guard let attempts = claimed else { continue }
            do {
                if channel == "email" { try await email.send(to: recipient, subject: subject, body: body) } else { try await sms.send(to: recipient, text: body) }
                let at = Int(Date().timeIntervalSince1970)
                try await database.withConnection { sql in try await sql.raw("UPDATE outbox SET status = 'sent', sent_at = \(bind: at) WHERE id = \(bind: id)").run() }
                sent += 1
            } catch {
                let next = attempts >= 5 ? "failed" : "pending"
                try await database.withConnection { sql in
                    try await sql.raw("UPDATE outbox SET status = \(bind: next), last_error = \(bind: String(describing: error).prefix(500).description) WHERE id = \(bind: id)").run()
                }
            }
        }
        return sent
    }
}
