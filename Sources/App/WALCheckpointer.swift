import Logging
import ServiceLifecycle
import Storage

/// Moves SQLite's write-ahead-log checkpoints out of request commits: once a second, in the
/// background. Commits then never pay for a checkpoint's copy and fsync, which is what kept a
/// logged registry read's p99 above 2 ms (docs/performance.md). Does nothing on PostgreSQL.
struct WALCheckpointer: Service {
    let database: Storage.Database
    let logger: Logger

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
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try? await database.checkpointWAL()
    }
}
