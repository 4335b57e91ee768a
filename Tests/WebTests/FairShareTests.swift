import Synchronization
import TestSupport
import Testing

@testable import Web

@Suite struct FairShareTests {
    /// The most page reads that were inside at once, with `readers` of them started together, each
    /// staying at least 20 ms and until `expected` have been inside at once (`Occupancy.stay`).
    func mostReadsAtOnce(_ share: FairShare, expected: Int, readers: Int = 8) async throws -> Int {
        let inside = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<readers {
                group.addTask {
                    try await share.read {
                        try await inside.stay(atLeast: .milliseconds(20), untilMost: expected)
                    }
                }
            }
            try await group.waitForAll()
        }
        return inside.most
    }

    /// Runs `body` while a write is being handled.
    func duringAWrite<T: Sendable>(_ share: FairShare, _ body: @Sendable () async throws -> T) async throws -> T {
        let over = Flag()
        let started = Flag()
        let writer = Task {
            await share.write {
                started.set()
                while !over.isSet { try? await Task.sleep(for: .milliseconds(1)) }
            }
        }
        while !started.isSet { try await Task.sleep(for: .milliseconds(1)) }
        defer { over.set() }
        let result = try await body()
        over.set()
        await writer.value
        return result
    }

    final class Flag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    @Test func pagesAreNotHeldBackWhileNothingIsWritten() async throws {
        #expect(try await mostReadsAtOnce(FairShare(slots: 1), expected: 8) == 8)
    }

    @Test func whileAWriteIsHandledPagesTakeTheirSlotsOnly() async throws {
        // A wait long enough that the bound never lets a reader past its slot, however loaded the machine.
        let share = FairShare(slots: 2, longestWait: .seconds(600))
        #expect(try await duringAWrite(share) { try await mostReadsAtOnce(share, expected: 2) } == 2)
        // The write is over: every reader goes in at once again.
        #expect(try await mostReadsAtOnce(share, expected: 8) == 8)
    }

    @Test func noSlotsMeansNoLimit() async throws {
        let share = FairShare(slots: 0)
        #expect(try await duringAWrite(share) { try await mostReadsAtOnce(share, expected: 8) } == 8)
    }

    @Test func aPageWaitsForASlotOnlySoLong() async throws {
        // A write and a page that both hang (a database outage): the next page still renders.
        let share = FairShare(slots: 1, longestWait: .milliseconds(100))
        try await duringAWrite(share) {
            let stuck = Task { try await share.read { try await Task.sleep(for: .seconds(30)) } }
            try await Task.sleep(for: .milliseconds(20))
            let clock = ContinuousClock()
            let waited = try await clock.measure { try await share.read {} }
            stuck.cancel()
            #expect(waited >= .milliseconds(100) && waited < .seconds(10))
        }
    }

    @Test func onlyMethodsThatChangeSomethingCountAsWrites() {
        #expect(
            FairShare.isWrite(.post) && FairShare.isWrite(.put) && FairShare.isWrite(.patch)
                && FairShare.isWrite(.delete))
        #expect(!FairShare.isWrite(.get) && !FairShare.isWrite(.head) && !FairShare.isWrite(.options))
    }
}
