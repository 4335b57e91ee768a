import Core
import Foundation
import SQLKit

/// One message waiting to go out (an email, a text message).
public struct OutboxMessage: Sendable, Equatable {
    /// Derived from what the message is about, so writing the same message twice keeps one.
    public var id: String
    /// `email` or `sms`; the dispatcher's `deliver` decides what each channel means.
    public var channel: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Int

    /// A message to `recipient` on `channel`.
    public init(id: String, channel: String, recipient: String, subject: String, body: String, createdAt: Int) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
    }
}

/// The platform's one outbox: a module writes its messages on the transaction that decided to send
/// them (so a rolled-back change sends nothing), and whichever node gets to a message first sends it,
/// once, outside any transaction. A failure is retried on later rounds, at most five attempts.
public struct OutboxStore: Sendable {
    let database: Database
    let clock: Clock

    /// An outbox on `database`; messages are marked sent at `clock`'s time.
    public init(database: Database, clock: Clock) {
        self.database = database
        self.clock = clock
    }

    /// The migration of the outbox; version 11 belongs to Storage. Databases made before the outbox
    /// moved here already have the table (it was created by the services module's version 500).
    public static let migrations = [
        Migration(
            version: 11, name: "message outbox",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, channel TEXT NOT NULL, recipient TEXT NOT NULL,
                  subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                  last_error TEXT, created_at BIGINT NOT NULL, sent_at BIGINT)
                """,
                "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, created_at)",
            ])
    ]

    /// Queues `messages` on the caller's transaction; a message whose id is queued already is skipped.
    public func enqueue(_ messages: [OutboxMessage], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: messages.count, by: 100) {
            try await sql.raw(
                .rows(
                    "INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at) VALUES ",
                    messages[start..<min(start + 100, messages.count)].map {
                        [$0.id, $0.channel, $0.recipient, $0.subject, $0.body, "pending", $0.createdAt]
                    },
                    " ON CONFLICT (id) DO NOTHING")
            ).run()
        }
    }

    /// Sends up to `limit` pending messages of `channels` through `deliver`, oldest first; returns
    /// how many went out.
    /// Each message is claimed before it is handed over, so two nodes never send it twice.
    @discardableResult
    public func dispatch(
        limit: Int = 100, channels: [String], deliver: @Sendable (OutboxMessage) async throws -> Void
    ) async throws -> Int {
        let pending = try await database.withConnection { sql in
            try await sql.raw(
                "SELECT id, channel, recipient, subject, body, created_at FROM outbox WHERE status = 'pending' AND channel IN ("
                    + .list(channels) + ") ORDER BY created_at LIMIT \(literal: max(1, min(limit, 10_000)))"
            ).all().map { row in
                OutboxMessage(
                    id: try row.decode(column: "id", as: String.self),
                    channel: try row.decode(column: "channel", as: String.self),
                    recipient: try row.decode(column: "recipient", as: String.self),
                    subject: try row.decode(column: "subject", as: String.self),
                    body: try row.decode(column: "body", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: Int.self))
            }
        }
        var sent = 0
        for message in pending {
            let claimed = try await database.withConnection { sql in
                try await sql.raw(
                    """
                    UPDATE outbox SET status = 'sending', attempts = attempts + 1
                    WHERE id = \(bind: message.id) AND status = 'pending' RETURNING attempts
                    """
                ).first(decodingColumn: "attempts", as: Int.self)
            }
            guard let attempts = claimed else { continue }
            do {
                try await deliver(message)
                let at = clock.seconds
                try await database.withConnection { sql in
                    try await sql.raw(
                        "UPDATE outbox SET status = 'sent', sent_at = \(bind: at) WHERE id = \(bind: message.id)"
                    ).run()
                }
                sent += 1
            } catch {
                let next = attempts >= 5 ? "failed" : "pending"
                let text = String(String(describing: error).prefix(500))
                try await database.withConnection { sql in
                    try await sql.raw(
                        "UPDATE outbox SET status = \(bind: next), last_error = \(bind: text) WHERE id = \(bind: message.id)"
                    ).run()
                }
            }
        }
        return sent
    }

    /// Messages of `channel` given up on after five attempts (the dead letters), newest first.
    public func failed(channel: String, limit: Int = 100) async throws -> [FailedMessage] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT id, channel, recipient, subject, body, created_at, attempts, last_error FROM outbox
                WHERE status = 'failed' AND channel = \(bind: channel) ORDER BY created_at DESC
                LIMIT \(literal: max(1, min(limit, 1_000)))
                """
            ).all().map { row in
                FailedMessage(
                    message: OutboxMessage(
                        id: try row.decode(column: "id", as: String.self),
                        channel: try row.decode(column: "channel", as: String.self),
                        recipient: try row.decode(column: "recipient", as: String.self),
                        subject: try row.decode(column: "subject", as: String.self),
                        body: try row.decode(column: "body", as: String.self),
                        createdAt: try row.decode(column: "created_at", as: Int.self)),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    lastError: try row.decode(column: "last_error", as: String?.self) ?? "")
            }
        }
    }

    /// Puts a dead letter back in the queue for five more attempts; false if `id` is no dead letter.
    public func retry(id: String) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                "UPDATE outbox SET status = 'pending', attempts = 0 WHERE id = \(bind: id) AND status = 'failed' RETURNING id"
            ).first() != nil
        }
    }
}

/// A message the outbox gave up on, with why.
public struct FailedMessage: Sendable, Equatable {
    public var message: OutboxMessage
    public var attempts: Int
    public var lastError: String
}
