import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Moves SQLite's write-ahead-log checkpoints out of request commits: once a second, in the
/// background. Commits then never pay for a checkpoint's copy and fsync, which is what kept a
/// logged registry read's p99 above 2 ms (docs/performance.md). Keeps the log under
/// `limitBytes` (the passive checkpoints alone let it grow without end under sustained writes) and
/// reports its size as `tazakoom_sqlite_wal_bytes`. Does nothing on PostgreSQL.
struct WALCheckpointer: Service {
    let database: Storage.Database
    let limitBytes: Int
    let logger: Logger
    let size = Gauge(label: "tazakoom_sqlite_wal_bytes")

    func run() async throws {
        guard case .sqliteFile = database.location else {
            try? await gracefulShutdown()
            return
        }
        try await database.takeOverWALCheckpoints()
        // The hard stop: past seven eighths of the limit, writes wait for a truncation.
        database.boundWALBeforeWrites(ceiling: limitBytes / 8 * 7)
        await cancelWhenGracefulShutdown {
            var tick = 0
            while !Task.isCancelled {
                // A quarter second: at a few thousand submissions a second the log grows tens of MB
                // a second, so the size is looked at (a stat) more often than the checkpoint runs.
                try? await Task.sleep(for: .milliseconds(250))
                if Task.isCancelled { break }
                tick += 1
                do {
                    if tick % 4 == 0 { try await database.checkpointWAL() }
                    // Truncated from half the limit on, so the growth until the next look stays under it.
                    let before = database.walSize() ?? 0
                    let started = ContinuousClock.now
                    if let after = try await database.boundWAL(limit: limitBytes / 2) {
                        size.record(after)
                        if after < before {
                            logger.info(
                                "truncated the write-ahead log",
                                metadata: [
                                    "from": "\(before >> 20) MiB", "to": "\(after >> 20) MiB",
                                    "took": "\(ContinuousClock.now - started)",
                                ])
                        }
                    }
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try? await database.checkpointWAL()
    }
}
