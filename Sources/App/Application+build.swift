import Core
import Hummingbird
import Logging
import ServiceLifecycle
import Storage
import Web

/// Builds the whole platform for `configuration`: database, migrations, services, background jobs
/// and routes.
///
/// The one factory: `tazakoom serve` runs what it returns, and tests drive the same thing.
public func buildApplication(_ configuration: AppConfiguration, logger: Logger? = nil, clock: Clock = .system)
    async throws
    -> some ApplicationProtocol
{
    Telemetry.bootstrap()
    let logger = logger ?? Logger(label: "tazakoom")
    let platform = try await Platform.start(configuration, logger: logger, clock: clock)
    let signer = CheckpointSigner(
        ledger: platform.ledger, reconciler: Platform.reconciler(platform.ledger), file: platform.checkpointFile,
        intervalSeconds: configuration.checkpointIntervalSeconds, logger: logger)
    // The first checkpoint is signed before the server answers anyone (records are reconciled
    // from the next round on: after a bulk load that may take a while, and the server must start).
    await signer.signIfNeeded(reconciling: false)
    return Application(
        router: buildRouter(platform.web),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tazakoom"),
        // Services stop in reverse order: the database closes last, after every job that uses it
        // has stopped (closed first, a poller's query in flight could wait forever on PostgreSQL).
        services: [
            DatabaseCloser(database: platform.database),
            signer,
            LedgerAuditPass(
                ledger: platform.ledger, intervalSeconds: configuration.auditIntervalSeconds, logger: logger),
            WALCheckpointer(
                database: platform.database, limitBytes: configuration.walLimitMegabytes << 20, logger: logger),
            WorkflowTimerPoller(workflow: platform.workflow, logger: logger),
            ServicesPoller(applications: platform.applications, outbox: platform.outbox, logger: logger),
            ExchangeRefresher(node: platform.exchange, transport: platform.exchangeTransport),
            ExchangePublisher(node: platform.exchange, logger: logger),
            OpenDataPublishing(
                data: platform.ownOpenData, intervalSeconds: configuration.openDataIntervalSeconds, logger: logger),
        ],
        logger: logger
    )
}

/// Closes the database when the application shuts down.
struct DatabaseCloser: Service {
    let database: Storage.Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}
