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
}
