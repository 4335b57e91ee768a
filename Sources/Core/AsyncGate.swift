/// A first-come, first-served async semaphore: up to `limit` holders at a time, waiters queue
/// without blocking a thread.
///
/// With a limit of one it guards the single SQLite connection, so a transaction's statements are
/// never interleaved with another task's; with a few it keeps page reads from crowding out writes.
public actor AsyncGate {
    private let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A gate that lets `limit` (at least one) holders in at once.
    public init(limit: Int = 1) {
        self.limit = max(1, limit)
    }

    /// Waits for a place; pair every call with one `leave()`.
    public func enter() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Gives the place back, to the longest waiting task if any.
    public func leave() {
        if waiters.isEmpty {
            holders -= 1
        } else {
            // The place passes straight to the next waiter; `holders` stays the same.
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` while holding a place in the gate.
    public func withGate<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            leave()
            return result
        } catch {
            leave()
            throw error
        }
    }
}
