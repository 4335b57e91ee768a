import Core
import Foundation
import SQLKit

/// The platform's one idempotency mechanism: it remembers the answer to a write that carried an
/// `Idempotency-Key`, so a client that retries (after a timeout, a dropped connection, a double
/// click) gets the same answer instead of doing the write twice.
///
/// Keys belong to an owner (an API client, a signed-in person) and a request, known by its digest.
/// Two ways to use it:
/// - `run`: claims the key in a transaction of its own, does the work, stores the answer. A second
///   request with the key while the first is running waits for the first answer a few seconds, then
///   is told to retry (`IdempotencyConflict.inProgress`).
/// - `claimAll(…, on:)` inside the transaction that does the writes (a batch of applications),
///   each key stored with its answer chosen in advance, so key and write commit together. On
///   PostgreSQL a second node's claim of the same key waits for the first transaction and then
///   sees its answer: no unique-constraint error ever reaches a user.
public struct IdempotencyStore: Sendable {
    let database: Database
    let clock: Clock
    /// How long `run` waits for another request with the same key before answering 409.
    let patience: Duration
    /// A claim with no answer after this long belongs to a request that died (its work was a
    /// transaction and left nothing), so another request may take the key over.
    static let abandonedAfterSeconds = 120

    /// A store on `database`, reading the time from `clock`.
    public init(database: Database, clock: Clock, patience: Duration = .seconds(5)) {
        self.database = database
        self.clock = clock
        self.patience = patience
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
        /// The key is new: do the work, then `complete` (or, outside a transaction, `release`).
        case claimed
        /// The same request was answered before: send this again.
        case replay(IdempotentAnswer)
        /// The same key is being worked on right now.
        case inProgress
        /// The key was used for a different request.
        case mismatch
    }

    /// Claims `key` for `owner` and a request whose digest is `requestHash`, on the caller's
    /// transaction (so the claim disappears if that transaction rolls back).
    public func claim(owner: String, key: IdempotencyKey, requestHash: String, on sql: any SQLDatabase)
        async throws -> Claim
    {
        let now = clock.seconds
        let inserted =
            try await sql.raw(
                """
                INSERT INTO idempotency_keys (owner, key, request_hash, created_at)
                VALUES (\(bind: owner), \(bind: key.value), \(bind: requestHash), \(bind: now))
                ON CONFLICT (owner, key) DO NOTHING RETURNING key
                """
            ).first() != nil
        if inserted { return .claimed }
        guard
            let row = try await sql.raw(
                """
                SELECT request_hash, status, headers, body, created_at FROM idempotency_keys
                WHERE owner = \(bind: owner) AND key = \(bind: key.value)
                """
            ).first()
        else { return .inProgress }
        guard try row.decode(column: "request_hash", as: String.self) == requestHash else { return .mismatch }
        guard let status = try row.decode(column: "status", as: Int?.self) else {
            let since = try row.decode(column: "created_at", as: Int.self)
            guard now - since > Self.abandonedAfterSeconds else { return .inProgress }
            // Take an abandoned claim over, unless another request just did.
            let taken =
                try await sql.raw(
                    """
                    UPDATE idempotency_keys SET created_at = \(bind: now)
                    WHERE owner = \(bind: owner) AND key = \(bind: key.value) AND status IS NULL
                      AND created_at = \(bind: since) RETURNING key
                    """
                ).first() != nil
            return taken ? .claimed : .inProgress
        }
        let headers = try row.decode(column: "headers", as: String?.self).flatMap {
            try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
        }
        return .replay(
            IdempotentAnswer(
                status: status, headers: headers ?? [:], body: try row.decode(column: "body", as: String?.self) ?? ""))
    }

    /// One key to claim in `claimAll`, with the answer its work will give.
    public struct AnsweredClaim: Sendable {
        /// Whose key it is.
        public var owner: String
        /// The key.
        public var key: IdempotencyKey
        /// The digest of the request.
        public var requestHash: String
        /// The answer, known before the work is done (an id chosen in advance).
        public var answer: IdempotentAnswer

        /// A claim of `key` for `owner` that will answer `answer`.
        public init(owner: String, key: IdempotencyKey, requestHash: String, answer: IdempotentAnswer) {
            self.owner = owner
            self.key = key
            self.requestHash = requestHash
            self.answer = answer
        }
    }

    /// Claims many keys at once, each stored with its answer already, on the transaction that does
    /// their work (one statement for a whole batch; key and work commit together or not at all).
    /// Claims must name distinct keys; they are written in one order, so that two nodes' batches
    /// never wait on each other in a circle. A key already taken answers as `claim` does.
    public func claimAll(_ claims: [AnsweredClaim], on sql: any SQLDatabase) async throws -> [Claim] {
        guard !claims.isEmpty else { return [] }
        let now = clock.seconds
        let order = claims.indices.sorted {
            (claims[$0].owner, claims[$0].key.value) < (claims[$1].owner, claims[$1].key.value)
        }
        var inserted: Set<String> = []
        for start in stride(from: 0, to: order.count, by: 50) {
            let rows = order[start..<min(start + 50, order.count)].map { i -> [any Encodable & Sendable] in
                let claim = claims[i]
                let headers = String(
                    decoding: (try? JSONEncoder().encode(claim.answer.headers)) ?? Data("{}".utf8), as: UTF8.self)
                return [
                    claim.owner, claim.key.value, claim.requestHash, claim.answer.status, headers, claim.answer.body,
                    now,
                ]
            }
            let query: SQLQueryString = .rows(
                "INSERT INTO idempotency_keys (owner, key, request_hash, status, headers, body, created_at) VALUES ",
                rows,
                " ON CONFLICT (owner, key) DO NOTHING RETURNING owner, key")
            for row in try await sql.raw(query).all() {
                inserted.insert(
                    try row.decode(column: "owner", as: String.self) + "\u{1}"
                        + row.decode(column: "key", as: String.self))
            }
        }
        var results: [Claim] = []
        for claim in claims {
            if inserted.contains(claim.owner + "\u{1}" + claim.key.value) {
                results.append(.claimed)
            } else {
                // Taken before (a retry) or by another node's transaction that has now committed.
                let found = try await self.claim(
                    owner: claim.owner, key: claim.key, requestHash: claim.requestHash, on: sql)
                if found == .claimed {
                    try await complete(owner: claim.owner, key: claim.key, answer: claim.answer, on: sql)
                }
                results.append(found)
            }
        }
        return results
    }

    /// Stores the answer given under a claimed key, on the caller's transaction.
    func complete(owner: String, key: IdempotencyKey, answer: IdempotentAnswer, on sql: any SQLDatabase)
        async throws
    {
        let encodedHeaders = String(decoding: try JSONEncoder().encode(answer.headers), as: UTF8.self)
        try await sql.raw(
            """
            UPDATE idempotency_keys SET status = \(bind: answer.status), headers = \(bind: encodedHeaders),
              body = \(bind: answer.body)
            WHERE owner = \(bind: owner) AND key = \(bind: key.value)
            """
        ).run()
    }

    /// Runs `work` once per key of `owner`: a retry with the same request gets the first answer
    /// again (`replayed` set) and changes nothing; the same key for another request is refused
    /// (`IdempotencyConflict.keyReused`). Only answers are kept: a request that failed changed
    /// nothing, and its key may be used again.
    public func run(
        owner: String, key: IdempotencyKey, requestHash: String,
        _ work: () async throws -> IdempotentAnswer
    ) async throws -> IdempotentAnswer {
        let started = ContinuousClock.now
        while true {
            let claim = try await database.transaction { sql in
                try await self.claim(owner: owner, key: key, requestHash: requestHash, on: sql)
            }
            switch claim {
            case .mismatch: throw IdempotencyConflict.keyReused
            case .replay(var answer):
                answer.replayed = true
                return answer
            case .inProgress:
                // The first request is still working (here or on another node): wait for its answer.
                guard started.duration(to: .now) < patience else { throw IdempotencyConflict.inProgress }
                try await Task.sleep(for: .milliseconds(50))
            case .claimed:
                let answer: IdempotentAnswer
                do {
                    answer = try await work()
                } catch {
                    try? await release(owner: owner, key: key)
                    throw error
                }
                try await database.withConnection { sql in
                    try await self.complete(owner: owner, key: key, answer: answer, on: sql)
                }
                return answer
            }
        }
    }

    /// Gives a claimed key back after a failure that changed nothing, so the client may retry.
    func release(owner: String, key: IdempotencyKey) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                DELETE FROM idempotency_keys
                WHERE owner = \(bind: owner) AND key = \(bind: key.value) AND status IS NULL
                """
            ).run()
        }
    }
}
