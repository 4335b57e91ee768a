import Foundation
import Ledger
import SQLKit
import Storage

/// Petitions and signatures (`participation_*`) on SQLite or PostgreSQL. Exactly once per person
/// rests on the signatures' primary key: a second INSERT of the same signer does nothing, on both
/// engines, even when two arrive at once.
public struct SQLPetitionStore: PetitionStore {
    let database: Database
    let ledger: LedgerService

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.signatures = Batcher(limit: 512, executor: database.writerExecutor)
        self.ledger = ledger
    }

    public func insert(
        _ petition: Petition, signerKey: String, authorKey: String, limit: (count: Int, since: Int), event: LedgerEvent
    ) async throws {
        try await database.transaction { sql in
            try await SQLRateLimitStore.check(
                "participation_petitions", "author_key", key: authorKey, limit: limit, on: sql)
            try await sql.raw(
                """
                INSERT INTO participation_petitions (id, level, area, title, body, author, status, created_at, deadline,
                  threshold, signatures, signer_key, duty_at, author_key, sponsors, moderation)
                VALUES (\(bind: petition.id), \(bind: petition.level.rawValue), \(bind: petition.area), \(bind: petition.title),
                  \(bind: petition.body), \(bind: petition.author), \(bind: petition.status.rawValue), \(bind: petition.createdAt),
                  \(bind: petition.deadline), \(bind: petition.threshold), 0, \(bind: signerKey), NULL, \(bind: authorKey), 0, NULL)
                """
            ).run()
            _ = try await ledger.append([event], on: sql)
        }
    }

    public func sponsor(
        _ petitionID: String, sponsor: String, needed: Int, now: Int, event: LedgerEvent, submitted: LedgerEvent
    ) async throws -> Int? {
        try await database.transaction { sql in
            guard
                let before = try await sql.raw(
                    """
                    UPDATE participation_petitions SET sponsors = sponsors
                    WHERE id = \(bind: petitionID) AND status = 'sponsoring' RETURNING sponsors
                    """
                ).first(decodingColumn: "sponsors", as: Int.self)
            else { return nil }
            guard
                try await sql.raw(
                    """
                    INSERT INTO participation_sponsors (petition_id, sponsor, sponsored_at)
                    VALUES (\(bind: petitionID), \(bind: sponsor), \(bind: now))
                    ON CONFLICT (petition_id, sponsor) DO NOTHING RETURNING sponsor
                    """
                ).first() != nil
            else { return before }
            let after = before + 1
            let moving = after >= needed
            try await sql.raw(
                """
                UPDATE participation_petitions SET sponsors = \(bind: after)\(unsafeRaw: moving ? ", status = 'moderation'" : "")
                WHERE id = \(bind: petitionID)
                """
            ).run()
            _ = try await ledger.append(moving ? [event, submitted] : [event], on: sql)
            return after
        }
    }

    public func moderate(
        _ petitionID: String, from: Petition.Status, to: Petition.Status, reason: ModerationReason?, deadline: Int?,
        event: LedgerEvent
    ) async throws -> Bool {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_petitions SET status = \(bind: to.rawValue), moderation = \(bind: reason?.rawValue),
                      deadline = COALESCE(\(bind: deadline), deadline)
                    WHERE id = \(bind: petitionID) AND status = \(bind: from.rawValue) RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func awaitingModeration(limit: Int) async throws -> [Petition] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT * FROM participation_petitions WHERE status = 'moderation' ORDER BY created_at, id
                LIMIT \(literal: max(1, limit))
                """
            ).all().map(Self.petition)
        }
    }

    public func petition(_ id: String) async throws -> (petition: Petition, signerKey: String)? {
        try await database.withConnection { sql in
            guard let row = try await sql.raw("SELECT * FROM participation_petitions WHERE id = \(bind: id)").first()
            else { return nil }
            return (try Self.petition(row), try row.decode(column: "signer_key", as: String.self))
        }
    }

    public func petitions(limit: Int) async throws -> [Petition] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT * FROM participation_petitions WHERE status IN ('open', 'closed') ORDER BY created_at DESC, id
                LIMIT \(literal: max(1, limit))
                """
            ).all().map(Self.petition)
        }
    }

    public func hasSigned(_ petitionID: String, signer: String) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT 1 AS found FROM participation_signatures WHERE petition_id = \(bind: petitionID)
                  AND signer = \(bind: signer)
                """
            ).first() != nil
        }
    }

    private static func petition(_ row: any SQLRow) throws -> Petition {
        Petition(
            id: try row.decode(column: "id", as: String.self),
            level: Petition.Level(rawValue: try row.decode(column: "level", as: String.self)) ?? .national,
            area: try row.decode(column: "area", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            body: try row.decode(column: "body", as: String.self),
            author: try row.decode(column: "author", as: String.self),
            status: Petition.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .hidden,
            createdAt: try row.decode(column: "created_at", as: Int.self),
            deadline: try row.decode(column: "deadline", as: Int.self),
            threshold: try row.decode(column: "threshold", as: Int.self),
            signatures: try row.decode(column: "signatures", as: Int.self),
            dutyAt: try row.decode(column: "duty_at", as: Int?.self),
            sponsors: try row.decode(column: "sponsors", as: Int.self),
            moderation: try row.decode(column: "moderation", as: String?.self).flatMap(ModerationReason.init))
    }

    /// Signatures that arrive together are stored together (group commit): one transaction, one
    /// INSERT per petition and one ledger append for the whole batch.
    let signatures: Batcher<SignatureRequest, SignatureOutcome?>

    /// One signature waiting for its batch.
    struct SignatureRequest: Sendable {
        var petitionID: String
        var signer: String
        var region: String
        var district: String
        var now: Int
        var event: LedgerEvent
        var duty: @Sendable (Int) throws -> LedgerEvent
    }

    public func sign(
        _ petitionID: String, signer: String, region: String, district: String, now: Int, event: LedgerEvent,
        duty: @escaping @Sendable (Int) throws -> LedgerEvent
    ) async throws -> SignatureOutcome? {
        try await signatures.submit(
            SignatureRequest(
                petitionID: petitionID, signer: signer, region: region, district: district, now: now, event: event,
                duty: duty)
        ) { batch in try await self.store(batch) }
    }

    /// Stores a batch of signatures; each gets its own outcome (nil: the petition is not open).
    private func store(_ batch: [SignatureRequest]) async throws -> [Result<SignatureOutcome?, any Error>] {
        try await database.transaction { sql in
            var outcomes = [SignatureOutcome?](repeating: nil, count: batch.count)
            var events: [LedgerEvent] = []
            let byPetition = Dictionary(grouping: batch.indices) { batch[$0].petitionID }
            for (petitionID, indices) in byPetition.sorted(by: { $0.key < $1.key }) {
                let first = batch[indices[0]]
                // The counter's row first: it orders concurrent batches of one petition on PostgreSQL.
                guard
                    let before = try await sql.raw(
                        """
                        UPDATE participation_petitions SET signatures = signatures
                        WHERE id = \(bind: petitionID) AND status = 'open' AND deadline > \(bind: first.now)
                        RETURNING signatures
                        """
                    ).first(decodingColumn: "signatures", as: Int.self)
                else { continue }
                // One statement for the petition's whole batch: the primary key keeps one signature per
                // signer, against earlier batches and within this one.
                let rows: [[any Encodable & Sendable]] = indices.map { index in
                    let request = batch[index]
                    return [petitionID, request.signer, request.region, request.district, request.now]
                }
                let inserted = Set(
                    try await sql.raw(
                        .rows(
                            "INSERT INTO participation_signatures (petition_id, signer, region, district, signed_at) VALUES ",
                            rows, " ON CONFLICT (petition_id, signer) DO NOTHING RETURNING signer")
                    ).all(decodingColumn: "signer", as: String.self))
                var counted: Set<String> = []
                var total = before
                for index in indices {
                    let request = batch[index]
                    if inserted.contains(request.signer), counted.insert(request.signer).inserted {
                        total += 1
                        events.append(request.event)
                        outcomes[index] = .signed(total: total)
                    } else {
                        outcomes[index] = .alreadySigned(total: before + inserted.count)
                    }
                }
                guard !counted.isEmpty,
                    let row = try await sql.raw(
                        """
                        UPDATE participation_petitions SET signatures = signatures + \(bind: counted.count)
                        WHERE id = \(bind: petitionID) RETURNING signatures, threshold, duty_at
                        """
                    ).first()
                else { continue }
                let after = try row.decode(column: "signatures", as: Int.self)
                if after >= (try row.decode(column: "threshold", as: Int.self)),
                    try row.decode(column: "duty_at", as: Int?.self) == nil,
                    try await sql.raw(
                        """
                        UPDATE participation_petitions SET duty_at = \(bind: first.now)
                        WHERE id = \(bind: petitionID) AND duty_at IS NULL RETURNING id
                        """
                    ).first() != nil
                {
                    events.append(try first.duty(after))
                }
            }
            if !events.isEmpty { _ = try await ledger.append(events, on: sql) }
            return outcomes.map { .success($0) }
        }
    }

    public func withdraw(_ petitionID: String, signer: String, now: Int, event: LedgerEvent) async throws -> Int? {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_petitions SET signatures = signatures
                    WHERE id = \(bind: petitionID) AND status = 'open' AND deadline > \(bind: now) RETURNING id
                    """
                ).first() != nil,
                try await sql.raw(
                    """
                    DELETE FROM participation_signatures WHERE petition_id = \(bind: petitionID) AND signer = \(bind: signer)
                    RETURNING signer
                    """
                ).first() != nil
            else { return nil }
            _ = try await ledger.append([event], on: sql)
            return try await sql.raw(
                """
                UPDATE participation_petitions SET signatures = signatures - 1 WHERE id = \(bind: petitionID)
                RETURNING signatures
                """
            ).first(decodingColumn: "signatures", as: Int.self)
        }
    }

    public func counts(_ petitionID: String) async throws -> [(region: String, district: String, signatures: Int)] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT region, district, COUNT(*) AS n FROM participation_signatures WHERE petition_id = \(bind: petitionID)
                GROUP BY region, district ORDER BY region, district
                """
            ).all().map {
                (
                    try $0.decode(column: "region", as: String.self),
                    try $0.decode(column: "district", as: String.self),
                    try $0.decode(column: "n", as: Int.self)
                )
            }
        }
    }
}
