import Foundation
import SQLKit
import Synchronization
import TestSupport
import Testing
import _ConnectionPoolModule

@testable import Storage

/// With PostgreSQL unreachable a request is answered `DatabaseUnavailable` within the wait, not
/// held until the server comes back (requests would pile up behind an outage).
@Suite struct DatabaseUnavailableTests {
    @Test func aRequestIsToldTheDatabaseIsUnavailableInsteadOfWaitingForever() async throws {
        // Port 1 on loopback: nothing listens there.
        let database = try await Database.open(
            .postgres(url: "postgres://postgres@127.0.0.1:1/nowhere"), logger: TestLog.quiet,
            connectionWait: .seconds(2))
        let started = ContinuousClock.now
        await #expect(throws: DatabaseUnavailable()) {
            try await database.withConnection { sql in _ = try await sql.raw("SELECT 1").all() }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        await database.shutdown()
    }

    /// A connection that comes after the caller was told "unavailable" runs nothing: the caller was
    /// promised nothing was done.
    @Test func aConnectionThatComesTooLateRunsNothing() async throws {
        let ran = Mutex<Bool?>(nil)
        // The pool hands a connection over only once the test says so: after the caller's answer,
        // however slowly a loaded machine runs the timer.
        let handedOver = Mutex(false)
        await #expect(throws: DatabaseUnavailable()) {
            _ = try await Database.leasing(within: .milliseconds(100)) { lease in
                while !handedOver.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
                let allowed = lease.claim()
                ran.withLock { $0 = allowed }
                guard allowed else { throw DatabaseUnavailable() }
                return 1
            }
        }
        // Answered while the work still waited for its connection: when the wait ran out.
        #expect(ran.withLock { $0 } == nil, "answered when the wait ran out, not when the work ended")
        handedOver.withLock { $0 = true }
        try await waitUntil { ran.withLock { $0 } != nil }
        #expect(ran.withLock { $0 } == false, "the late connection was told to run nothing")
        // In time, the work's answer is the answer.
        let value = try await Database.leasing(within: .seconds(5)) { lease in
            guard lease.claim() else { throw DatabaseUnavailable() }
            return 42
        }
        #expect(value == 42)
    }

    /// A server that goes away under a query (here it ends the session itself, as a restart or a
    /// failover would) is an outage, answered 503 with Retry-After, not a bug answered 500, in a
    /// transaction too; requests after it get new connections. A statement the server refuses is
    /// not an outage.
    @Test func aServerThatGoesAwayUnderAQueryIsAnOutage() async throws {
        guard TestEngine.available.contains(.postgres) else { return }
        try await TestEngine.postgres.withDatabase(migrations: []) { database in
            await #expect(throws: DatabaseUnavailable()) {
                try await database.withConnection { sql in
                    try await sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                }
            }
            try await Self.expectServedAgain(database)
            await #expect(throws: DatabaseUnavailable()) {
                try await database.transaction { sql in
                    try await sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                }
            }
            try await Self.expectServedAgain(database)
            let refused = await #expect(throws: (any Error).self) {
                try await database.withConnection { sql in try await sql.raw("SELECT * FROM no_such_table").run() }
            }
            #expect(!(refused is DatabaseUnavailable))
        }
    }

    /// A session whose connection the server closed is answered "unavailable" at once, whatever it
    /// does next: PostgresNIO never answers a statement written to a closed connection (a ROLLBACK,
    /// or the session's next statement), and the request, and every submission batched behind it,
    /// would wait forever. The suite hung on this once.
    @Test func aSessionThatLostItsConnectionEndsAtOnce() async throws {
        guard TestEngine.available.contains(.postgres) else { return }
        try await TestEngine.postgres.withDatabase(migrations: []) { database in
            struct Refused: Error {}
            let rolledBack = try await Self.answer {
                try await database.transactionSession { session in
                    try? await session.sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                    // Until the driver has seen the connection close, as when a later statement fails.
                    while !session.isLost { try await Task.sleep(for: .milliseconds(10)) }
                    throw Refused()
                }
            }
            // Either the close was seen first (unavailable) or the session's own error was: what
            // matters is that it ended, with no ROLLBACK written to the closed connection.
            #expect(rolledBack is DatabaseUnavailable || rolledBack is Refused, "\(String(describing: rolledBack))")
            try await Self.expectServedAgain(database)
            let nextStatement = try await Self.answer {
                try await database.withSession { session in
                    try? await session.sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                    while !session.isLost { try await Task.sleep(for: .milliseconds(10)) }
                    try await session.sql.raw("SELECT 1").run()
                }
            }
            #expect(nextStatement is DatabaseUnavailable)
            try await Self.expectServedAgain(database)
        }
    }

    /// The error `work` ends with, run in its own task so that a hang fails the test (after 30
    /// seconds) instead of stopping the suite.
    private static func answer(_ work: @escaping @Sendable () async throws -> Void) async throws -> (any Error)? {
        let answer = Mutex<Result<Void, any Error>?>(nil)
        Task {
            do {
                try await work()
                answer.withLock { $0 = .success(()) }
            } catch {
                answer.withLock { $0 = .failure(error) }
            }
        }
        try await waitUntil(within: .seconds(30)) { answer.withLock { $0 } != nil }
        guard case .failure(let error) = answer.withLock({ $0 }) else { return nil }
        return error
    }

    /// The pool may still hand out the lost connection once before it sees it closed; that request
    /// is told "unavailable" too, and within a few tries a new connection answers.
    private static func expectServedAgain(_ database: Database) async throws {
        for _ in 0..<50 {
            do {
                let one = try await database.withConnection { sql in
                    try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
                }
                #expect(one == 1)
                return
            } catch is DatabaseUnavailable {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        Issue.record("no new connection within five seconds")
    }

    /// The pool's circuit breaker (no connection could be made for a minute) is an outage too; a
    /// cancelled request is not.
    @Test func thePoolGivingUpIsAnOutage() {
        #expect(DatabaseOutage.isOutage(ConnectionPoolError.connectionCreationCircuitBreakerTripped))
        #expect(!DatabaseOutage.isOutage(ConnectionPoolError.requestCancelled))
        #expect(!DatabaseOutage.isOutage(CancellationError()))
    }
}
