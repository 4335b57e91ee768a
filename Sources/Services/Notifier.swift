import Core
import Foundation
import Identity
import SQLKit
import Storage
import Workflow

/// Sends an email; the live implementation talks to a mail server, the test one records.
public protocol EmailSender: Sendable {
    func send(to address: String, subject: String, body: String) async throws
}

/// Sends a text message through an SMS gateway.
public protocol SMSSender: Sendable {
    func send(to phone: String, text: String) async throws
}

/// A sender that delivers nothing and remembers everything: tests and the demo use it. Given a
/// file, it also appends each message there as one JSON object per line, so people trying the demo
/// (and browser tests) can read the SMS codes and emails a real gateway would have delivered.
public actor RecordingSender: EmailSender, SMSSender {
    /// One message that would have gone out.
    public struct Message: Sendable, Equatable, Codable {
        public var channel: String
        public var recipient: String
        public var subject: String
        public var body: String
    }

    public private(set) var messages: [Message] = []
    let file: String?

    /// A sender that keeps messages in memory and, when `file` is given, appends them to it.
    public init(file: String? = nil) {
        self.file = file
    }

    public func send(to address: String, subject: String, body: String) async throws {
        try record(Message(channel: "email", recipient: address, subject: subject, body: body))
    }

    public func send(to phone: String, text: String) async throws {
        try record(Message(channel: "sms", recipient: phone, subject: "", body: text))
    }

    private func record(_ message: Message) throws {
        messages.append(message)
        guard let file else { return }
        if !FileManager.default.fileExists(atPath: file) {
            FileManager.default.createFile(atPath: file, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: try JSONEncoder().encode(message) + Data("\n".utf8))
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

    /// Each status change is a new revision of the application's current case, so this names it
    /// uniquely without asking the kernel for random bytes on every submission (a stage examined
    /// again after an appeal has a case of its own). The case id comes first: it begins with the
    /// second the case was made, so new notifications (and their outbox messages) go to the end
    /// of their tables' keys instead of a random page.
    static func id(
        _ note: (application: Application, service: Service, status: Application.Status, reason: String, at: Int)
    ) -> String {
        "\(note.application.caseID):\(note.application.caseRevision):\(note.application.id)"
    }

    func add(_ application: Application, service: Service, status: Application.Status, reason: String, at: Int) {
        pending.append((application, service, status, reason, at))
    }

    /// Writes what was added, on the caller's transaction.
    func flush(_ store: any ServicesStore, on sql: any SQLDatabase) async throws {
        guard !pending.isEmpty else { return }
        try await store.insertNotifications(
            pending.map { note in
                (
                    AppNotification(
                        id: Self.id(note), applicationID: note.application.id, status: note.status,
                        reason: note.reason, at: note.at, isRead: false),
                    note.application.applicantPIN
                )
            }, on: sql)
        pending = []
    }
}

/// Turns notifications and escalations into email and SMS in the platform's outbox, and sends them,
/// by whichever node gets to them first.
public struct Outbox: Sendable {
    let database: Database
    let email: any EmailSender
    let sms: any SMSSender
    let catalogue: ServiceCatalogue
    let store: any ServicesStore
    let messages: OutboxStore
    /// Where contacts come from (Identity owns them).
    let people: any IdentityStore
    /// Where escalations come from (the workflow's history).
    let cases: any WorkflowStore

    /// An outbox on `database`, sending through `email` and `sms`, to the contacts `people` keeps.
    public init(
        database: Database, email: any EmailSender, sms: any SMSSender, people: any IdentityStore, clock: Clock
    ) {
        self.database = database
        self.email = email
        self.sms = sms
        self.people = people
        self.store = SQLServicesStore()
        self.catalogue = ServiceCatalogue(database: database, store: store)
        self.messages = OutboxStore(database: database, clock: clock)
        self.cases = SQLWorkflowStore(engine: database.engine)
    }

    /// Writes the email and SMS of up to `limit` notifications not yet queued, in the applicant's
    /// language, to their contacts; each notification is queued once (ids derive from it).
    @discardableResult
    public func queue(limit: Int = 500) async throws -> Int {
        let services = try await catalogue.all()
        var queued = 0
        while queued < limit {
            let chunk = min(Self.queuedPerTransaction, limit - queued)
            let done = try await queueOnce(chunk, services: services)
            queued += done
            if done < chunk { break }
        }
        return queued
    }

    /// Notifications queued per transaction. On SQLite a transaction holds the one connection:
    /// 500 at a time held submissions up for about 40 ms every five seconds under load, long
    /// enough to show in their 99th percentile; a hundred take a fifth of that.
    static let queuedPerTransaction = 100

    /// One transaction of `queue(limit:)`: up to `limit` notifications.
    private func queueOnce(_ limit: Int, services: [Service]) async throws -> Int {
        try await database.transaction { sql in
            let queued = try await store.notificationsToQueue(limit: limit, on: sql)
            guard !queued.isEmpty else { return 0 }
            let contacts = Dictionary(
                try await people.people(pins: queued.map(\.pin), on: sql).map { ($0.pin, $0) },
                uniquingKeysWith: { first, _ in first })
            var out: [OutboxMessage] = []
            for item in queued {
                let note = item.notification
                let (subject, body) = Notifier.message(
                    number: note.applicationID, service: services.first { $0.id == item.serviceID },
                    language: item.language, status: note.status, reason: note.reason)
                guard let person = contacts[item.pin] else { continue }
                for (channel, recipient) in [("email", person.email), ("sms", person.phone)] where !recipient.isEmpty {
                    out.append(
                        OutboxMessage(
                            id: note.id + ":" + channel, channel: channel, recipient: recipient, subject: subject,
                            body: body, createdAt: note.at))
                }
            }
            try await messages.enqueue(out, on: sql)
            try await store.markQueued(queued.map(\.notification.id), on: sql)
            return queued.count
        }
    }

    /// Writes an email and SMS to the official holding each case whose deadline passed (workflow
    /// escalations), in Kyrgyz and Russian; each escalation once.
    @discardableResult
    public func queueOverdueNotices(limit: Int = 200) async throws -> Int {
        let services = try await catalogue.all()
        return try await database.transaction { sql in
            // Escalations since the newest notice, less an hour for other nodes' clocks and slow commits.
            let since = max(0, try await store.latestEscalationNotice(on: sql) - 3600)
            var fresh: [CaseEscalation] = []
            var offset = 0
            while fresh.count < limit {
                let page = try await cases.escalations(since: since, offset: offset, limit: 500, on: sql)
                offset += page.count
                let noticed = try await store.noticed(page, on: sql)
                fresh += page.filter { !noticed.contains("\($0.caseID):\($0.seq)") }
                if page.count < 500 { break }
            }
            fresh = Array(fresh.prefix(limit))
            guard !fresh.isEmpty else { return 0 }
            try await store.recordNotices(fresh, on: sql)
            let applications = Dictionary(
                try await store.applications(withCases: fresh.map(\.caseID), on: sql).map { ($0.caseID, $0) },
                uniquingKeysWith: { first, _ in first })
            let officials = Dictionary(
                try await people.people(pins: fresh.compactMap(\.assigneePIN), on: sql).map { ($0.pin, $0) },
                uniquingKeysWith: { first, _ in first })
            var out: [OutboxMessage] = []
            for escalation in fresh {
                guard let application = applications[escalation.caseID],
                    let official = escalation.assigneePIN.flatMap({ officials[$0] })
                else { continue }
                let service = services.first { $0.id == application.serviceID }
                let text = { (language: Language, key: String) in
                    Notifier.fill(
                        Catalog.shipped.text(key, language),
                        [
                            "number": application.id,
                            "service": service?.title.text(language) ?? application.serviceID,
                            "state": Catalog.shipped.text("state_\(escalation.state)", language),
                        ])
                }
                let subject = text(.ky, "notify_overdue_subject") + " / " + text(.ru, "notify_overdue_subject")
                let body = text(.ky, "notify_overdue_body") + "\n\n" + text(.ru, "notify_overdue_body")
                for (channel, recipient) in [("email", official.email), ("sms", official.phone)]
                where !recipient.isEmpty {
                    out.append(
                        OutboxMessage(
                            id: "esc:\(escalation.caseID):\(escalation.seq):\(channel)", channel: channel,
                            recipient: recipient, subject: subject, body: body, createdAt: escalation.at))
                }
            }
            try await messages.enqueue(out, on: sql)
            return fresh.count
        }
    }

    /// Queues what is new, then sends up to `limit` pending messages; a failure is retried later
    /// (at most 5 times).
    @discardableResult
    public func dispatch(limit: Int = 100) async throws -> Int {
        try await queue()
        try await queueOverdueNotices()
        let email = self.email
        let sms = self.sms
        return try await messages.dispatch(limit: limit, channels: ["email", "sms"]) { message in
            if message.channel == "email" {
                try await email.send(to: message.recipient, subject: message.subject, body: message.body)
            } else {
                try await sms.send(to: message.recipient, text: message.body)
            }
        }
    }
}
