/// A first-come, first-served async semaphore: at most `capacity` holders at a time, and waiters
/// queue without blocking a thread.
///
/// With a capacity of one it guards the single SQLite connection, so a transaction's statements are
/// never interleaved with another task's; with more it bounds how many pages render at once while
/// writes wait (`FairShareMiddleware`).
public actor AsyncGate {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private var free: Int
    private var waiters: [Waiter] = []
    /// The first waiter not yet served (served ones are dropped now and then, not one by one).
    private var next = 0
    private var lastID = 0

    /// A gate that lets `capacity` (at least one) holders in at once.
    public init(capacity: Int = 1) { free = max(1, capacity) }

    /// Waits for a place, then holds it until `leave()`.
    public func enter() async {
        _ = await wait(within: nil)
    }

    /// Waits at most `limit` for a place: true if it got one (and holds it until `leave()`), false
    /// if the time ran out (and holds nothing).
    public func enter(within limit: Duration) async -> Bool {
        await wait(within: limit)
    }

    private func wait(within limit: Duration?) async -> Bool {
        if free > 0 {
            free -= 1
            return true
        }
        lastID += 1
        let id = lastID
        let timer = limit.map { limit in
            Task {
                try await Task.sleep(for: limit)
                self.expire(id)
            }
        }
        let admitted = await withCheckedContinuation { waiters.append(Waiter(id: id, continuation: $0)) }
        timer?.cancel()
        return admitted
    }

    /// A waiter whose time ran out leaves the queue empty-handed.
    private func expire(_ id: Int) {
        guard let index = waiters[next...].firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    /// Gives the place back; the longest waiter, if any, takes it over at once.
    public func leave() {
        guard next < waiters.count else {
            if next > 0 {
                waiters.removeAll(keepingCapacity: true)
                next = 0
            }
            free += 1
            return
        }
        let waiter = waiters[next]
        next += 1
        if next > 64 && next * 2 > waiters.count {
            waiters.removeFirst(next)
            next = 0
        }
        waiter.continuation.resume(returning: true)
    }

    /// Runs `body` while holding a place.
    public func withGate<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        return try await leaving(after: body)
    }

    /// Runs `body` in a place already entered, and gives the place back when it ends, however it ends.
    public nonisolated func leaving<T>(after body: () async throws -> T) async rethrows -> T {
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }
}
