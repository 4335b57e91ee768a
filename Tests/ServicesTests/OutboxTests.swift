import Foundation
import Identity
import Ledger
import SQLKit
import Services
import Storage
import TestSupport
import Testing
import Workflow

/// The outbox sends each waiting message once, through the adapters, and retries failures.
@Suite struct OutboxTests {
    struct BrokenGateway: SMSSender, EmailSender {
        struct Down: Error {}
        func send(to phone: String, text: String) async throws { throw Down() }
        func send(to address: String, subject: String, body: String) async throws { throw Down() }
    }

    static func queue(_ database: Database) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO outbox (id, channel, recipient, subject, body, status, created_at) VALUES
                ('m1', 'email', 'aigul@example.kg', 'Арыз TK-1', 'Сиздин арызыңыз', 'pending', 1),
                ('m2', 'sms', '+996 555 100 417', '', 'Арыз TK-1', 'pending', 2)
                """
            ).run()
        }
    }

    @Test(arguments: TestEngine.available)
    func messagesGoOutOnceThroughTheirAdapter(engine: TestEngine) async throws {
        try await engine.withDatabase(
            migrations: OutboxStore.migrations + LedgerMigrations.all + IdentityMigrations.all + WorkflowMigrations.all
                + ServiceMigrations.all
        ) { database in
            try await Self.queue(database)
            let sender = RecordingSender()
            let outbox = Outbox(
                database: database, email: sender, sms: sender, people: SQLIdentityStore(database: database),
                clock: .system)
            #expect(try await outbox.dispatch() == 2)
            #expect(try await outbox.dispatch() == 0)
            let messages = await sender.messages
            #expect(
                messages.map(\.channel) == ["email", "sms"] && messages[0].recipient == "aigul@example.kg"
                    && messages[0].subject == "Арыз TK-1")
        }
    }

    @Test(arguments: TestEngine.available)
    func failuresAreRetriedAndGivenUpAfterFiveAttempts(engine: TestEngine) async throws {
        try await engine.withDatabase(
            migrations: OutboxStore.migrations + LedgerMigrations.all + IdentityMigrations.all + WorkflowMigrations.all
                + ServiceMigrations.all
        ) { database in
            try await Self.queue(database)
            let outbox = Outbox(
                database: database, email: BrokenGateway(), sms: BrokenGateway(),
                people: SQLIdentityStore(database: database), clock: .system)
            for _ in 0..<5 { #expect(try await outbox.dispatch() == 0) }
            let states = try await database.withConnection { sql in
                try await sql.raw("SELECT status, attempts FROM outbox ORDER BY id").all().map {
                    (try $0.decode(column: "status", as: String.self), try $0.decode(column: "attempts", as: Int.self))
                }
            }
            #expect(states.map(\.0) == ["failed", "failed"] && states.map(\.1) == [5, 5])
            let sender = RecordingSender()
            #expect(
                try await Outbox(
                    database: database, email: sender, sms: sender, people: SQLIdentityStore(database: database),
                    clock: .system
                ).dispatch() == 0,
                "given up: not sent again")
        }
    }
}
