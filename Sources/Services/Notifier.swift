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

/// Notifications and outgoing messages of one transaction, written together at its end (so a
/// status change and the message about it are stored together); `Outbox` sends them later.
final class Notifier {
    private var pending: [(application: Application, service: Service, status: Application.Status, reason: String, at: Int)] = []

    /// The message about `application` reaching `status`, in the applicant's language.
    static func message(_ application: Application, service: Service, status: Application.Status, reason: String) -> (subject: String, body: String) {
        let language = application.language
        let catalog = Catalog.shipped
        let values = ["number": application.id, "service": service.title.text(language), "status": catalog.text("status_\(status.rawValue)", language)]
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
    static func id(_ note: (application: Application, service: Service, status: Application.Status, reason: String, at: Int)) -> String {
        "\(note.application.id):\(note.application.stage):\(note.application.caseRevision)"
    }

    func add(_ application: Application, service: Service, status: Application.Status, reason: String, at: Int) {
        pending.append((application, service, status, reason, at))
    }

    /// Writes what was added: one INSERT of notifications, one lookup of contacts, one INSERT of messages.
    func flush(_ sql: any SQLDatabase) async throws {
        guard !pending.isEmpty else { return }
        for chunk in stride(from: 0, to: pending.count, by: 100).map({ Array(pending[$0..<min($0 + 100, pending.count)]) }) {
            var insert: SQLQueryString = "INSERT INTO notifications (id, pin, application_id, status, reason, created_at) VALUES "
            for (n, note) in chunk.enumerated() {
                insert = insert + (n == 0 ? "" : ", ") + """
                    (\(bind: Self.id(note)), \(bind: note.application.applicantPIN), \(bind: note.application.id), \(bind: note.status.rawValue), \(bind: note.reason), \(bind: note.at))
                    """
            }
            try await sql.raw(insert).run()
            var lookup: SQLQueryString = "SELECT pin, email, phone FROM people WHERE pin IN ("
            for (n, pin) in Set(chunk.map(\.application.applicantPIN)).sorted().enumerated() { lookup = lookup + (n == 0 ? "\(bind: pin)" : ", \(bind: pin)") }
            var contacts: [String: (email: String, phone: String)] = [:]
            for row in try await sql.raw(lookup + ")").all() {
                contacts[try row.decode(column: "pin", as: String.self)] = (try row.decode(column: "email", as: String.self), try row.decode(column: "phone", as: String.self))
            }
            var messages: [(id: String, channel: String, recipient: String, subject: String, body: String, at: Int)] = []
            for note in chunk {
                guard let contact = contacts[note.application.applicantPIN] else { continue }
                let (subject, body) = Self.message(note.application, service: note.service, status: note.status, reason: note.reason)
                if !contact.email.isEmpty { messages.append((Self.id(note) + ":email", "email", contact.email, subject, body, note.at)) }
                if !contact.phone.isEmpty { messages.append((Self.id(note) + ":sms", "sms", contact.phone, subject, body, note.at)) }
            }
            guard !messages.isEmpty else { continue }
            var outbox: SQLQueryString = "INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at) VALUES "
            for (n, message) in messages.enumerated() {
                outbox = outbox + (n == 0 ? "" : ", ") + """
                    (\(bind: message.id), \(bind: message.channel), \(bind: message.recipient), \(bind: message.subject), \(bind: message.body), 'pending', \(bind: message.at))
                    """
            }
            try await sql.raw(outbox).run()
        }
        pending = []
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
