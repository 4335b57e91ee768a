import Foundation
import Storage
import Testing

@testable import App
@testable import Services

/// Notifications become email and SMS in transactions of a hundred (each holds SQLite's one
/// connection), and a round still queues up to its limit.
@Suite struct NotificationQueueTests {
    @Test func aRoundQueuesUpToItsLimitAHundredAtATime() async throws {
        try await ReconciliationTests.withPlatform(.sqlite) { platform in
            _ = try await platform.outbox.queue()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<130 {
                    group.addTask {
                        _ = try await platform.applications.submit(
                            Submission(
                                serviceID: "no-criminal-record", applicant: ReconciliationTests.citizen, language: .en,
                                answers: ["familyName": "Токтогулова", "givenName": "Айгүл", "purpose": "employment"],
                                idempotencyKey: try IdempotencyKey(UUID().uuidString)))
                    }
                }
                try await group.waitForAll()
            }
            #expect(Outbox.queuedPerTransaction == 100)
            #expect(try await platform.outbox.queue(limit: 120) == 120, "a full chunk and part of the next")
            #expect(try await platform.outbox.queue() == 10, "the rest")
            #expect(try await platform.outbox.queue() == 0, "each once")
        }
    }
}
