import Core
import TestSupport
import Testing

@Suite struct AsyncGateTests {
    @Test(arguments: [1, 3])
    func neverMoreHoldersThanItsCapacity(capacity: Int) async throws {
        let gate = AsyncGate(capacity: capacity)
        let holders = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await gate.withGate {
                        try await holders.stay(atLeast: .microseconds(50), untilMost: capacity)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(holders.most == capacity)
        // Every place came back: as many holders as the capacity get in at once again.
        for _ in 0..<capacity { await gate.enter() }
        for _ in 0..<capacity { await gate.leave() }
    }

    @Test func aFailingHolderGivesItsPlaceBack() async {
        struct Failure: Error {}
        let gate = AsyncGate()
        await #expect(throws: Failure.self) { try await gate.withGate { throw Failure() } }
        let done = try? await gate.withGate { 1 }
        #expect(done == 1)
    }

    @Test func aWaiterWhoseTimeRunsOutGetsNothingAndTheQueueMovesOn() async {
        let gate = AsyncGate()
        await gate.enter()
        #expect(await gate.enter(within: .milliseconds(20)) == false)
        async let later = gate.enter(within: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        await gate.leave()
        #expect(await later == true, "the place passed to the next waiter, not the one that left")
        await gate.leave()
        #expect(await gate.enter(within: .milliseconds(1)) == true)
    }
}
