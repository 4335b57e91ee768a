import Core
import HTTPTypes
import Hummingbird
import Synchronization

/// Keeps page reads from starving writes. Rendering a page is pure CPU, and on a small machine a
/// closed loop of readers took so much of it that submissions (whose database round trips queue
/// behind that work, and on PostgreSQL whose server processes share the same cores) kept a fifth
/// of their throughput. While any write is being handled, at most `slots` pages render at once and
/// the rest wait their turn; with no write in flight, pages are not held back at all.
final class FairShare: Sendable {
    /// Writes (any method but GET, HEAD and OPTIONS) being handled now.
    private let writes = Atomic<Int>(0)
    private let pages: AsyncGate?
    /// How long a page waits for a slot before it renders without one.
    private let longestWait: Duration

    /// `slots`: pages rendered at once while writes wait; 0 turns the limit off.
    init(slots: Int, longestWait: Duration = .seconds(1)) {
        pages = slots > 0 ? AsyncGate(capacity: slots) : nil
        self.longestWait = longestWait
    }

    func write<T>(_ body: () async throws -> T) async rethrows -> T {
        writes.add(1, ordering: .relaxed)
        defer { writes.subtract(1, ordering: .relaxed) }
        return try await body()
    }

    /// Runs a page read: at once while nothing is written, else when a slot is free. A page waits
    /// at most `longestWait` (a second) for one and then runs anyway: when writes hang (a database outage
    /// makes each wait up to `--database-wait`), pages must not queue behind them for minutes.
    func read<T>(_ body: () async throws -> T) async rethrows -> T {
        guard let pages, writes.load(ordering: .relaxed) > 0,
            await pages.enter(within: longestWait)
        else { return try await body() }
        return try await pages.leaving(after: body)
    }

    /// Whether `method` changes something (and so counts as a write).
    static func isWrite(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }
}

/// Counts writes in its area and, where `gatesReads` (the pages), admits page reads through the
/// share's slots while writes are in flight.
struct FairShareMiddleware: RouterMiddleware {
    let share: FairShare
    let gatesReads: Bool

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        if FairShare.isWrite(request.method) { return try await share.write { try await next(request, context) } }
        guard gatesReads else { return try await next(request, context) }
        return try await share.read { try await next(request, context) }
    }
}
