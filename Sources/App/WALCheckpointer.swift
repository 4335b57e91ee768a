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
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                do {
                    try await database.checkpointWAL()
                    let before = database.walSize() ?? 0
                    if let after = try await database.boundWAL(limit: limitBytes) {
                        size.record(after)
                        if after < before {
                            logger.debug("WAL truncated", metadata: ["from": "\(before)", "to": "\(after)"])
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
