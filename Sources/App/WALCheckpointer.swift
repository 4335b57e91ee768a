import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Moves SQLite's write-ahead-log checkpoints out of request commits: four times a second, in the
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
        try await database.takeOverWALCheckpoints(fileLimit: limitBytes)
        // The hard stop: past seven eighths of the limit, writes wait for a truncation.
        database.boundWALBeforeWrites(ceiling: limitBytes / 8 * 7)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // A quarter second: at a few thousand submissions a second the log grows tens of MB
                // a second. Each look is a passive checkpoint, which copies while writes go on.
                try? await Task.sleep(for: .milliseconds(250))
                if Task.isCancelled { break }
                do {
                    // Started over from a quarter of the limit on, so the growth until the next look stays under it.
                    try await database.boundWAL(limit: limitBytes / 4)
                    size.record(database.walSize() ?? 0)
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try? await database.checkpointWAL()
    }
}
