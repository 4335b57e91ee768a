import Core
import Synchronization
import Testing

/// The gate lets in no more than its limit at once, and everyone in the end.
@Suite struct AsyncGateTests {
    final class Occupancy: Sendable {
        private let state = Mutex((inside: 0, most: 0))

        func enter() {
            state.withLock {
                $0.inside += 1
                $0.most = max($0.most, $0.inside)
            }
        }
        func leave() { state.withLock { $0.inside -= 1 } }
        var inside: Int { state.withLock { $0.inside } }
        var most: Int { state.withLock { $0.most } }
    }

    @Test(arguments: [1, 3])
    func noMoreThanTheLimitHoldTheGateAtOnce(limit: Int) async throws {
        let gate = AsyncGate(limit: limit)
        let occupancy = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await gate.withGate {
                        occupancy.enter()
                        try await Task.sleep(for: .milliseconds(2))
                        occupancy.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(occupancy.most == limit)
        #expect(occupancy.inside == 0)
    }
}
