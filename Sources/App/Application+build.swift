import Core
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
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
    // TLS files first: a wrong one stops the start before the database is touched.
    let server = try serverBuilder(configuration.tls)
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
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tazakoom"),
        // Services stop in reverse order: the database closes last, after every job that uses it
        // has stopped (closed first, a poller's query in flight could wait forever on PostgreSQL).
        services: [
            DatabaseCloser(database: platform.database),
            DatabaseCloser(database: platform.replica),
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
    let database: Storage.Database?

    func run() async throws {
        try? await gracefulShutdown()
        await database?.shutdown()
    }
}

/// Why HTTPS could not be set up: named, so the node says which file is wrong instead of stopping.
public struct TLSSetupError: Error, CustomStringConvertible {
    public var description: String
}

/// Plain HTTP/1.1, or HTTP/1.1 inside TLS (swift-nio-ssl) with the certificate chain and key of `tls`.
func serverBuilder(_ tls: TLSFiles?) throws -> HTTPServerBuilder {
    guard let tls else { return .http1() }
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    do {
        chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain)
    } catch {
        throw TLSSetupError(description: "\(tls.certificateChain) is not a readable PEM certificate chain (\(error))")
    }
    do {
        key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
    } catch {
        throw TLSSetupError(description: "\(tls.privateKey) is not a readable PEM private key (\(error))")
    }
    guard !chain.isEmpty else { throw TLSSetupError(description: "\(tls.certificateChain) holds no certificate") }
    var configuration = TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    configuration.minimumTLSVersion = .tlsv12
    do {
        return try .tls(.http1(), tlsConfiguration: configuration)
    } catch {
        throw TLSSetupError(
            description: "TLS could not be set up with \(tls.certificateChain) and \(tls.privateKey): \(error)")
    }
}
