import Ledger
import Logging
import Metrics
import ServiceLifecycle

/// Audits the whole ledger again and again in the background, a chunk at a time with a rest
/// after each, so that checkpoint signing can check only what was appended (its cost stays flat
/// as the log grows) while damage to old entries is still found. Damage found here is logged as
/// critical and makes signing refuse until a later pass is clean. Progress is the gauge
/// `tazakoom_ledger_audit_position` (entries verified in the current pass); a pass that ends
/// clean sets `tazakoom_ledger_audit_verified_size`, damage sets `tazakoom_ledger_audit_damage` to 1.
struct LedgerAuditPass: Service {
    let ledger: LedgerService
    let intervalSeconds: Int
    let logger: Logger
    /// A tenth of one core while a pass runs, in reads of 1,024 entries
    /// (`LedgerService.backgroundAuditChunk`) that keep write batches waiting for little.
    var pace: Pace = .background

    private let position = Gauge(label: "tazakoom_ledger_audit_position")
    private let verified = Gauge(label: "tazakoom_ledger_audit_verified_size")
    private let damage = Gauge(label: "tazakoom_ledger_audit_damage")

    func run() async throws {
        await repeatUntilShutdown(everySeconds: intervalSeconds, startNow: true) { await pass() }
    }

    /// One pass over the whole log.
    func pass() async {
        do {
            let report = try await ledger.auditInBackground(pace: pace) { done, _ in position.record(done) }
            verified.record(report.size)
            damage.record(0)
        } catch  where Task.isCancelled || error is CancellationError {
            return  // shutting down
        } catch let error as LedgerError {
            damage.record(1)
            logger.critical(
                "the background audit found the ledger damaged; checkpoints are not signed until it is restored",
                metadata: ["reason": "\(error)"])
        } catch {
            logger.error("the background audit could not run", metadata: ["error": "\(error)"])
        }
    }
}
