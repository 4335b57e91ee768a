import Core
import Foundation
import Ledger
import SQLKit
import Storage

/// The exchange layer's tables (`exchange_*`) on SQLite or PostgreSQL.
public struct SQLExchangeStore: ExchangeStore {
    let database: Database
    let ledger: LedgerService
    let batcher: Batcher<LogRequest, MessageRecord>
    let outbox: OutboxStore

    public init(database: Database, ledger: LedgerService, clock: Clock = .system) {
        self.database = database
        self.batcher = Batcher(executor: database.writerExecutor)
        self.ledger = ledger
        self.outbox = OutboxStore(database: database, clock: clock)
    }

    public func key(role: String, make: @Sendable () -> String, now: Int) async throws -> String {
        let fresh = make()
        return try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_keys (role, signing_key, created_at) VALUES (\(bind: role), \(bind: fresh), \(bind: now))
                ON CONFLICT (role) DO NOTHING
                """
            ).run()
            return try await sql.raw("SELECT signing_key FROM exchange_keys WHERE role = \(bind: role)").first(
                decodingColumn: "signing_key", as: String.self) ?? fresh
        }
    }

    public func putKey(role: String, value: String, now: Int) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_keys (role, signing_key, created_at) VALUES (\(bind: role), \(bind: value), \(bind: now))
                ON CONFLICT (role) DO UPDATE SET signing_key = excluded.signing_key, created_at = excluded.created_at
                """
            ).run()
        }
    }

    public func existingKey(role: String) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT signing_key FROM exchange_keys WHERE role = \(bind: role)").first(
                decodingColumn: "signing_key", as: String.self)
        }
    }

    public func putJoinRequest(_ request: JoinRequest) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_members (id, entry, status, requested_at)
                VALUES (\(bind: request.member.id), \(bind: request.member.canonicalJSON()), 'pending', \(bind: request.requestedAt))
                ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, status = 'pending', requested_at = excluded.requested_at,
                  decided_at = NULL, decided_by = NULL
                """
            ).run()
        }
    }

    public func joinRequests() async throws -> [JoinRequest] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT entry, status, requested_at FROM exchange_members ORDER BY requested_at, id")
                .all()
                .map { row in
                    JoinRequest(
                        member: try JSONDecoder().decode(
                            GlobalConfiguration.Member.self,
                            from: Data(try row.decode(column: "entry", as: String.self).utf8)),
                        status: try row.decode(column: "status", as: String.self),
                        requestedAt: try row.decode(column: "requested_at", as: Int.self))
                }
        }
    }

    public func decideJoinRequest(member: String, approve: Bool, by decider: String, now: Int) async throws -> Bool {
        try await database.transaction { sql in
            let changed =
                try await sql.raw(
                    """
                    UPDATE exchange_members SET status = \(bind: approve ? "approved" : "refused"), decided_at = \(bind: now),
                      decided_by = \(bind: decider) WHERE id = \(bind: member) RETURNING id
                    """
                ).first() != nil
            if changed {
                _ = try await ledger.append(
                    [
                        try LedgerEvent(
                            kind: approve ? "exchange.member.approved" : "exchange.member.refused", actor: decider,
                            subject: "member:\(member)", time: now, details: ["member": member])
                    ], on: sql)
            }
            return changed
        }
    }

    public func putApprovedMember(_ member: GlobalConfiguration.Member, now: Int) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_members (id, entry, status, requested_at, decided_at, decided_by)
                VALUES (\(bind: member.id), \(bind: member.canonicalJSON()), 'approved', \(bind: now), \(bind: now), 'operator')
                ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, status = 'approved'
                """
            ).run()
        }
    }

    public func approvedMembers() async throws -> [GlobalConfiguration.Member] {
        try await joinRequests().filter { $0.status == "approved" }.map(\.member).sorted { $0.id < $1.id }
    }

    public func addToGroup(_ code: String, member: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                "INSERT INTO exchange_groups (code, member) VALUES (\(bind: code), \(bind: member)) ON CONFLICT DO NOTHING"
            ).run()
        }
    }

    public func groups() async throws -> [GlobalConfiguration.Group] {
        let rows = try await database.withConnection { sql in
            try await sql.raw("SELECT code, member FROM exchange_groups ORDER BY code, member").all().map {
                (try $0.decode(column: "code", as: String.self), try $0.decode(column: "member", as: String.self))
            }
        }
        return Dictionary(grouping: rows, by: \.0).sorted { $0.key < $1.key }.map {
            GlobalConfiguration.Group(code: $0.key, members: $0.value.map(\.1))
        }
    }

    public func storedConfiguration() async throws -> (serial: Int, note: String)? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT serial, note FROM exchange_globalconf WHERE id = 1").first().map {
                (try $0.decode(column: "serial", as: Int.self), try $0.decode(column: "note", as: String.self))
            }
        }
    }

    public func storeConfiguration(serial: Int, note: String, now: Int) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_globalconf (id, serial, note, stored_at) VALUES (1, \(bind: serial), \(bind: note), \(bind: now))
                ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, note = excluded.note, stored_at = excluded.stored_at
                WHERE exchange_globalconf.serial < excluded.serial RETURNING serial
                """
            ).first() != nil
        }
    }

    public func putService(_ service: ProvidedService) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_services (id, backend, agency_code, openapi, created_at)
                VALUES (\(bind: service.id.description), \(bind: service.backend), \(bind: service.agencyCode), \(bind: service.openAPI), \(bind: service.createdAt))
                ON CONFLICT (id) DO UPDATE SET backend = excluded.backend, agency_code = excluded.agency_code, openapi = excluded.openapi
                """
            ).run()
        }
    }

    public func service(_ id: XRoadService) async throws -> ProvidedService? {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT id, backend, agency_code, openapi, created_at FROM exchange_services WHERE id = \(bind: id.description)"
            ).first().flatMap(Self.service)
        }
    }

    public func services() async throws -> [ProvidedService] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT id, backend, agency_code, openapi, created_at FROM exchange_services ORDER BY id")
                .all().compactMap(Self.service)
        }
    }

    static func service(_ row: any SQLRow) throws -> ProvidedService? {
        guard let id = XRoadService(try row.decode(column: "id", as: String.self)) else { return nil }
        return ProvidedService(
            id: id, backend: try row.decode(column: "backend", as: String.self),
            agencyCode: try row.decode(column: "agency_code", as: String.self),
            openAPI: try row.decode(column: "openapi", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int.self))
    }

    public func grant(_ right: AccessRight) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_rights (service, grantee, method, path)
                VALUES (\(bind: right.service.description), \(bind: right.grantee), \(bind: right.method), \(bind: right.path))
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }

    public func rights(_ service: XRoadService) async throws -> [AccessRight] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT grantee, method, path FROM exchange_rights WHERE service = \(bind: service.description) ORDER BY grantee"
            ).all().map {
                AccessRight(
                    service: service, grantee: try $0.decode(column: "grantee", as: String.self),
                    method: try $0.decode(column: "method", as: String.self),
                    path: try $0.decode(column: "path", as: String.self))
            }
        }
    }

    public func bindLocalClient(subsystem: String, apiClientID: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_local_clients (subsystem, api_client_id) VALUES (\(bind: subsystem), \(bind: apiClientID))
                ON CONFLICT (subsystem) DO UPDATE SET api_client_id = excluded.api_client_id
                """
            ).run()
        }
    }

    public func localClient(subsystem: String) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT api_client_id FROM exchange_local_clients WHERE subsystem = \(bind: subsystem)")
                .first(decodingColumn: "api_client_id", as: String.self)
        }
    }

    public func localSubsystems() async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT subsystem FROM exchange_local_clients ORDER BY subsystem").all(
                decodingColumn: "subsystem", as: String.self)
        }
    }

    public func log(_ message: MessageRecord, sealedBodies: SealedBodies?) async throws -> MessageRecord {
        // Group commit: messages logged while a batch is being written go together in the next
        // one, one transaction and one ledger append for many (a relay logs one per message).
        try await batcher.submit(LogRequest(message: message, bodies: sealedBodies)) { requests in
            try await self.log(requests)
        }
    }

    /// One message to log, with its bodies if kept.
    struct LogRequest: Sendable {
        var message: MessageRecord
        var bodies: SealedBodies?
    }

    private func log(_ requests: [LogRequest]) async throws -> [Result<MessageRecord, any Error>] {
        try await database.transaction { sql in
            let events = try requests.map {
                try LedgerEvent(
                    kind: "exchange.message", actor: "system:exchange", subject: "message:\($0.message.messageID)",
                    time: $0.message.at, details: $0.message.ledgerDetails)
            }
            let first = try await ledger.append(events, on: sql).lowerBound
            var logged = requests.map(\.message)
            for index in logged.indices { logged[index].ledgerIndex = first + index }
            try await sql.raw(
                .rows(
                    """
                    INSERT INTO exchange_messages (id, side, message_id, client, service, method, path, user_id, issue,
                      request_hash, request_signature, response_digest, response_signature, status, error, at, duration_ms,
                      request_seal, response_seal, ledger_index) VALUES
                    """,
                    logged.map { m in
                        [
                            m.id, m.side, m.messageID, m.client, m.service, m.method, m.path, m.userID, m.issue,
                            m.requestHash, m.requestSignature, m.responseDigest, m.responseSignature, m.status,
                            m.error, m.at, m.durationMilliseconds, m.requestSeal, m.responseSeal, m.ledgerIndex,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
            let bodies = zip(logged, requests).compactMap { message, request in
                request.bodies.map { [message.id, $0.request, $0.response] as [any Encodable & Sendable] }
            }
            if !bodies.isEmpty {
                try await sql.raw(.rows("INSERT INTO exchange_message_bodies (id, request, response) VALUES", bodies))
                    .run()
            }
            return logged.map { .success($0) }
        }
    }

    public func sealedBodies(id: String) async throws -> SealedBodies? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT request, response FROM exchange_message_bodies WHERE id = \(bind: id)").first()
                .map {
                    SealedBodies(
                        request: try $0.decode(column: "request", as: String.self),
                        response: try $0.decode(column: "response", as: String.self))
                }
        }
    }

    public func messages(messageID: String) async throws -> [MessageRecord] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM exchange_messages WHERE message_id = \(bind: messageID) ORDER BY side")
                .all()
                .map(Self.message)
        }
    }

    public func recentMessages(limit: Int) async throws -> [MessageRecord] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM exchange_messages ORDER BY at DESC, id LIMIT \(literal: max(1, min(limit, 1_000)))"
            ).all().map(Self.message)
        }
    }

    public func traffic(since: Int) async throws -> [TrafficCount] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT side, service, client, COUNT(*) AS messages, SUM(CASE WHEN error = '' THEN 0 ELSE 1 END) AS errors
                FROM exchange_messages WHERE at >= \(bind: since) GROUP BY side, service, client
                """
            ).all().map { row in
                TrafficCount(
                    side: try row.decode(column: "side", as: String.self),
                    service: try row.decode(column: "service", as: String.self),
                    clientMember: XRoadClient(try row.decode(column: "client", as: String.self))?.member.description
                        ?? "?",
                    messages: try row.decode(column: "messages", as: Int.self),
                    errors: try row.decode(column: "errors", as: Int?.self) ?? 0)
            }
        }
    }

    static func message(_ row: any SQLRow) throws -> MessageRecord {
        MessageRecord(
            id: try row.decode(column: "id", as: String.self), side: try row.decode(column: "side", as: String.self),
            messageID: try row.decode(column: "message_id", as: String.self),
            client: try row.decode(column: "client", as: String.self),
            service: try row.decode(column: "service", as: String.self),
            method: try row.decode(column: "method", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            userID: try row.decode(column: "user_id", as: String.self),
            issue: try row.decode(column: "issue", as: String.self),
            requestHash: try row.decode(column: "request_hash", as: String.self),
            requestSignature: try row.decode(column: "request_signature", as: String.self),
            responseDigest: try row.decode(column: "response_digest", as: String.self),
            responseSignature: try row.decode(column: "response_signature", as: String.self),
            status: try row.decode(column: "status", as: Int.self),
            error: try row.decode(column: "error", as: String.self),
            at: try row.decode(column: "at", as: Int.self),
            durationMilliseconds: try row.decode(column: "duration_ms", as: Int.self),
            requestSeal: try row.decode(column: "request_seal", as: String.self),
            responseSeal: try row.decode(column: "response_seal", as: String.self),
            ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self))
    }

    public func putSubscription(_ subscription: Subscription) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO exchange_subscriptions (id, registry, publisher, subscriber, legal_basis, created_at)
                VALUES (\(bind: subscription.id), \(bind: subscription.registry), \(bind: subscription.publisher.description),
                  \(bind: subscription.subscriber.description), \(bind: subscription.legalBasis), \(bind: subscription.createdAt))
                ON CONFLICT (registry, subscriber) DO UPDATE SET publisher = excluded.publisher, legal_basis = excluded.legal_basis
                """
            ).run()
        }
    }

    public func subscriptions() async throws -> [Subscription] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT id, registry, publisher, subscriber, legal_basis, created_at FROM exchange_subscriptions ORDER BY id"
            ).all().compactMap { row in
                guard let publisher = XRoadClient(try row.decode(column: "publisher", as: String.self)),
                    let subscriber = XRoadService(try row.decode(column: "subscriber", as: String.self))
                else { return nil }
                return Subscription(
                    id: try row.decode(column: "id", as: String.self),
                    registry: try row.decode(column: "registry", as: String.self), publisher: publisher,
                    subscriber: subscriber, legalBasis: try row.decode(column: "legal_basis", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: Int.self))
            }
        }
    }

    public func publishingCursor() async throws -> Int? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT next_index FROM exchange_publishing WHERE id = 1").first(
                decodingColumn: "next_index", as: Int.self)
        }
    }

    public func queue(_ events: [(Subscription, RegistryChangeEvent)], next: Int) async throws {
        try await database.transaction { sql in
            // The cursor moves only forward: another node that published the same stretch first wins.
            let moved =
                try await sql.raw(
                    """
                    INSERT INTO exchange_publishing (id, next_index) VALUES (1, \(bind: next))
                    ON CONFLICT (id) DO UPDATE SET next_index = excluded.next_index
                    WHERE exchange_publishing.next_index < excluded.next_index RETURNING next_index
                    """
                ).first() != nil
            guard moved, !events.isEmpty else { return }
            try await outbox.enqueue(
                events.map { subscription, event in
                    OutboxMessage(
                        id: "exchange:\(subscription.id):\(event.ledgerIndex)", channel: ExchangeNode.outboxChannel,
                        recipient: subscription.subscriber.description, subject: subscription.publisher.description,
                        body: event.canonicalJSON(), createdAt: event.time)
                }, on: sql)
        }
    }
}
