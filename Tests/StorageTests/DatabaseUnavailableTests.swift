import Foundation
import SQLKit
import Synchronization
import TestSupport
import Testing

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
            _ = try await Database.leasing(within: .milliseconds(100)) { claim in
                while !handedOver.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
                let allowed = claim()
                ran.withLock { $0 = allowed }
                guard allowed else { throw DatabaseUnavailable() }
                return 1
            }
        }
        // Answered while the work still waited for its connection: when the wait ran out.
        #expect(ran.withLock { $0 } == nil, "answered when the wait ran out, not when the work ended")
        handedOver.withLock { $0 = true }
        let deadline = ContinuousClock.now + .seconds(60)
        while ran.withLock({ $0 }) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(ran.withLock { $0 } == false, "the late connection was told to run nothing")
        // In time, the work's answer is the answer.
        let value = try await Database.leasing(within: .seconds(5)) { claim in
            guard claim() else { throw DatabaseUnavailable() }
            return 42
        }
        #expect(value == 42)
    }
}
