import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

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
}
