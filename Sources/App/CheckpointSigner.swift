import Ledger
import Logging
import ServiceLifecycle

/// Signs a ledger checkpoint at a fixed interval whenever entries were appended since the last
/// one. With several nodes each runs one; the sequencer row makes them take turns, and a node
/// that finds the checkpoint current signs nothing.
struct CheckpointSigner: Service {
    let ledger: LedgerService
    let file: CheckpointFile?
    let intervalSeconds: Int
    let logger: Logger

    func run() async throws {
        guard intervalSeconds > 0 else {
            // Returning early would end the whole service group: wait for shutdown instead.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(intervalSeconds))
                if Task.isCancelled { break }
                await signIfNeeded()
            }
        }
    }

    /// Signs a checkpoint when entries were appended since the last one, or when there is none yet
    /// (so `/ledger/checkpoint` answers from the first request on, even for an empty log).
    func signIfNeeded() async {
        do {
            let head = try await ledger.head()
            let latest = try await ledger.latestCheckpoint()
            if let latest, head.size <= latest.size { return }
            let signed = try await ledger.signAndRemember(file)
            logger.info("signed ledger checkpoint", metadata: ["size": "\(signed.size)"])
        } catch {
            // Damage found by the audit: refuse, loudly, and keep refusing until an operator acts.
            logger.critical("refusing to sign a ledger checkpoint", metadata: ["reason": "\(error)"])
        }
    }
}
