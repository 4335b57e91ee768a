/// Group commit: requests that arrive while a batch is being stored wait and go together in the
/// next one. A lone request runs at once; under load, many share one transaction and one ledger
/// append, which is what lets one SQLite connection keep up with many officials.
public actor Batcher<Request: Sendable, Answer: Sendable> {
    private var waiting: [(Request, CheckedContinuation<Answer, any Error>)] = []
    private var running = false
    /// At most this many requests share a transaction.
    public let limit: Int
    /// Where batches run (`Database.writerExecutor`); nil: Swift's global pool.
    private let executor: (any TaskExecutor)?

    public init(limit: Int = 64, executor: (any TaskExecutor)? = nil) {
        self.limit = limit
        self.executor = executor
    }

    public func submit(
        _ request: Request, run: @escaping @Sendable ([Request]) async throws -> [Result<Answer, any Error>]
    ) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((request, continuation))
            if !running {
                running = true
                // The one writer runs ahead of page reads: at their priority, every await of a batch
                // queued behind a closed loop of readers, and writes got far less than their share
                // of the CPU (docs/performance-grown-sqlite.md).
                Task(executorPreference: executor, priority: .high) { await self.drain(run) }
            }
        }
    }

    private func drain(_ run: @Sendable ([Request]) async throws -> [Result<Answer, any Error>]) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(limit))
            waiting.removeFirst(batch.count)
            do {
                let results = try await run(batch.map(\.0))
                for (index, item) in batch.enumerated() {
                    // A request left without an answer would wait for ever: say so instead.
                    item.1.resume(with: index < results.count ? results[index] : .failure(BatchAnswerMissing()))
                }
            } catch {
                // The transaction failed as a whole (a database error): nothing of it was stored.
                for item in batch { item.1.resume(throwing: error) }
            }
        }
        running = false
    }
}

/// A batch's work returned fewer answers than it was given requests (a bug in that work): the
/// requests without one fail with this rather than wait for ever.
public struct BatchAnswerMissing: Error, CustomStringConvertible {
    public var description: String { "the batch gave no answer for this request" }
}
