import Ledger
import Logging
import ServiceLifecycle

/// Signs a ledger checkpoint at a fixed interval whenever entries were appended since the last
/// one. With several nodes each runs one; the sequencer row makes them take turns, and a node
/// that finds the checkpoint current signs nothing.
struct CheckpointSigner: Service {
    let ledger: LedgerService
    /// Checks the records sealed since the last checkpoint before each new one.
    let reconciler: Reconciler
    let file: CheckpointFile?
    let intervalSeconds: Int
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(everySeconds: intervalSeconds) { await signIfNeeded() }
    }

    /// Signs a checkpoint when entries were appended since the last one, or when there is none yet
    /// (so `/ledger/checkpoint` answers from the first request on, even for an empty log).
    func signIfNeeded(reconciling: Bool = true) async {
        do {
            let head = try await ledger.head()
            let latest = try await ledger.latestCheckpoint()
            if let latest, head.size <= latest.size { return }
            if reconciling { await reconcileRecent() }
            let signed = try await ledger.signAndRemember(file)
            logger.info("signed ledger checkpoint", metadata: ["size": "\(signed.size)"])
        } catch  where Task.isCancelled || error is CancellationError {
            return  // shutting down
        } catch {
            // Damage found by the audit: refuse, loudly, and keep refusing until an operator acts.
            logger.critical("refusing to sign a ledger checkpoint", metadata: ["reason": "\(error)"])
        }
    }

    /// The records sealed since the last check, against the database. A record changed behind the
    /// platform's back is reported loudly; the checkpoint is still signed, since it vouches for the
    /// log (which is intact), and stopping the log would hide the next changes too.
    func reconcileRecent() async {
        do {
            let report = try await reconciler.recent()
            guard !report.clean else { return }
            for finding in report.findings.prefix(50) {
                logger.critical("record does not match the ledger", metadata: ["record": "\(finding)"])
            }
            logger.critical(
                "reconciliation found records changed outside the platform",
                metadata: ["count": "\(report.findings.count)", "checked": "\(report.checked)"])
        } catch  where Task.isCancelled || error is CancellationError {
            return  // shutting down
        } catch {
            logger.error("reconciliation failed", metadata: ["error": "\(error)"])
        }
    }
}
