import Synchronization

/// Counts who is inside a section of code, and remembers the most there ever were at once: how
/// tests check a limit on concurrency.
public final class Occupancy: Sendable {
    private let state = Mutex((now: 0, most: 0))

    public init() {}

    /// One more is inside.
    public func enter() {
        state.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
    }

    /// One fewer is inside.
    public func leave() { state.withLock { $0.now -= 1 } }

    /// The most that were inside at once.
    public var most: Int { state.withLock { $0.most } }

    /// Stays inside for at least `minimum` and until `expected` were inside at once (or a minute
    /// passed), so that a slowly scheduled task cannot make the count look lower than the limit allows.
    public func stay(atLeast minimum: Duration, untilMost expected: Int) async throws {
        enter()
        try await Task.sleep(for: minimum)
        try await waitUntil(every: .milliseconds(1)) { most >= expected }
        leave()
    }
}
