import Core
import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

@Suite struct IdempotencyStoreTests {
    @Test func oneRuleForEveryKey() throws {
        #expect(try IdempotencyKey("retry-1").value == "retry-1")
        #expect(try IdempotencyKey(String(repeating: "k", count: 255)).value.count == 255)
        for bad in ["", "with space", "tab\there", "ключ", String(repeating: "k", count: 256)] {
            #expect(throws: MalformedIdempotencyKey.self, "\(bad)") { try IdempotencyKey(bad) }
        }
    }

    @Test(arguments: TestEngine.available)
    func aKeyRunsOnceReplaysAndRefusesAnotherRequest(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: IdempotencyStore.migrations) { database async throws in
            let store = IdempotencyStore(database: database, clock: .system, patience: .milliseconds(200))
            let key = try IdempotencyKey("order-1")
            let runs = Mutex(0)
            let work: () async throws -> IdempotentAnswer = {
                runs.withLock { $0 += 1 }
                return IdempotentAnswer(status: 201, headers: ["Location": "/x/1"], body: "one")
            }
            let first = try await store.run(owner: "client-a", key: key, requestHash: "h1", work)
            let again = try await store.run(owner: "client-a", key: key, requestHash: "h1", work)
            #expect(!first.replayed && again.replayed && again.body == "one" && again.headers["Location"] == "/x/1")
            #expect(runs.withLock { $0 } == 1)
            await #expect(throws: IdempotencyConflict.keyReused) {
                try await store.run(owner: "client-a", key: key, requestHash: "h2", work)
            }
            // Keys are per owner: another client's same key is its own.
            #expect(!(try await store.run(owner: "client-b", key: key, requestHash: "h2", work)).replayed)
            // A failed request keeps nothing: the key may be used again.
            let retry = try IdempotencyKey("order-2")
            await #expect(throws: DomainError.notFound) {
                try await store.run(owner: "client-a", key: retry, requestHash: "h3") { throw DomainError.notFound }
            }
            #expect(try await store.run(owner: "client-a", key: retry, requestHash: "h3", work).status == 201)
        }
    }

    @Test(arguments: TestEngine.available)
    func aKeyInProgressWaitsThenSays409AndAnAbandonedClaimIsTakenOver(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: IdempotencyStore.migrations) { database async throws in
            let time = Mutex(1_800_000_000)
            let clock = Clock { Date(timeIntervalSince1970: TimeInterval(time.withLock { $0 })) }
            let store = IdempotencyStore(database: database, clock: clock, patience: .milliseconds(200))
            let key = try IdempotencyKey("slow-1")
            // A claim with no answer yet: another node is still working on it.
            let claim = try await database.transaction { sql in
                try await store.claim(owner: "c", key: key, requestHash: "h", on: sql)
            }
            #expect(claim == .claimed)
            await #expect(throws: IdempotencyConflict.inProgress) {
                try await store.run(owner: "c", key: key, requestHash: "h") { IdempotentAnswer(status: 201, body: "") }
            }
            // That node died: after a while the claim is taken over and the work done once.
            time.withLock { $0 += 121 }
            let answer = try await store.run(owner: "c", key: key, requestHash: "h") {
                IdempotentAnswer(status: 201, body: "done")
            }
            #expect(answer.body == "done" && !answer.replayed)
        }
    }
}
