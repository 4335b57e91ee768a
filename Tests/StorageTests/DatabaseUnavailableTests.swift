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
        let started = ContinuousClock.now
        await #expect(throws: DatabaseUnavailable()) {
            _ = try await Database.leasing(within: .milliseconds(100)) { claim in
                try? await Task.sleep(for: .seconds(3))  // the pool hands a connection over late
                let allowed = claim()
                ran.withLock { $0 = allowed }
                guard allowed else { throw DatabaseUnavailable() }
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(3), "answered when the wait ran out, not when the work ended")
        try await Task.sleep(for: .seconds(4))
        #expect(ran.withLock { $0 } == false, "the late connection was told to run nothing")
        // In time, the work's answer is the answer.
        let value = try await Database.leasing(within: .seconds(5)) { claim in
            guard claim() else { throw DatabaseUnavailable() }
            return 42
        }
        #expect(value == 42)
    }
}
