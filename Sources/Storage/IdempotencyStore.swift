import Foundation
import SQLKit

/// Remembers the answer to a write that carried an `Idempotency-Key`, so a client that retries
/// (after a timeout, a dropped connection) gets the same answer instead of doing the write twice.
///
/// A key is claimed before the work starts; a second request with the same key while the first
/// is still running is told so, and one with the same key but another body is refused.
public struct IdempotencyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The migration of this store; version 10 belongs to Storage.
    public static let migrations = [
        Migration(
            version: 10, name: "idempotency keys",
            statements: [
                """
                CREATE TABLE idempotency_keys (owner TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                  status INTEGER, headers TEXT, body TEXT, created_at BIGINT NOT NULL, PRIMARY KEY (owner, key))
                """
            ])
    ]

    /// What a claim found.
    public enum Claim: Sendable, Equatable {
        /// The key is new: do the work, then `complete` (or `release` on failure).
        case claimed
        /// The same request was answered before: send this again.
        case replay(status: Int, headers: [String: String], body: String)
        /// The same key is being worked on right now.
        case inProgress
        /// The key was used for a different request.
        case mismatch
    }

    /// Claims `key` for `owner` (the calling client) and a request whose digest is `requestHash`.
    public func claim(owner: String, key: String, requestHash: String) async throws -> Claim {
        try await database.transaction { sql in
            let now = Int(Date().timeIntervalSince1970)
            let inserted =
                try await sql.raw(
                    """
                    INSERT INTO idempotency_keys (owner, key, request_hash, created_at) VALUES (\(bind: owner), \(bind: key), \(bind: requestHash), \(bind: now))
                    ON CONFLICT (owner, key) DO NOTHING RETURNING key
                    """
                ).first() != nil
            if inserted { return .claimed }
            guard
                let row = try await sql.raw(
                    "SELECT request_hash, status, headers, body FROM idempotency_keys WHERE owner = \(bind: owner) AND key = \(bind: key)"
                ).first()
            else {
                return .inProgress
            }
            guard try row.decode(column: "request_hash", as: String.self) == requestHash else { return .mismatch }
            guard let status = try row.decode(column: "status", as: Int?.self) else { return .inProgress }
            let headers =
                (try row.decode(column: "headers", as: String?.self)).flatMap {
                    try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
                } ?? [:]
            return .replay(
                status: status, headers: headers, body: try row.decode(column: "body", as: String?.self) ?? "")
        }
    }

    /// Stores the answer given under a claimed key.
    public func complete(owner: String, key: String, status: Int, headers: [String: String], body: String) async throws
    {
        let encodedHeaders = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
        try await database.withConnection { sql in
            try await sql.raw(
                """
                UPDATE idempotency_keys SET status = \(bind: status), headers = \(bind: encodedHeaders), body = \(bind: body)
                WHERE owner = \(bind: owner) AND key = \(bind: key)
                """
            ).run()
        }
    }

    /// Gives a claimed key back after a failure that changed nothing, so the client may retry.
    public func release(owner: String, key: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                "DELETE FROM idempotency_keys WHERE owner = \(bind: owner) AND key = \(bind: key) AND status IS NULL"
            ).run()
        }
    }
}
