import Core
import Hummingbird
import Logging
import ServiceLifecycle
import Storage

/// Builds the whole platform for `configuration`: database, migrations, services and routes.
///
/// The one factory: `tazakoom serve` runs what it returns, and tests drive the same thing.
public func buildApplication(_ configuration: AppConfiguration, logger: Logger? = nil, clock: Clock = .system)
    async throws
    -> some ApplicationProtocol
{
    _ = Telemetry.registry
    let logger = logger ?? Logger(label: "tazakoom")
    let platform = try await Platform.start(configuration, logger: logger, clock: clock)
    return Application(
        router: buildRouter(platform),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tazakoom"),
        services: [
            CheckpointSigner(
                ledger: platform.ledger, file: platform.checkpointFile,
                intervalSeconds: configuration.checkpointIntervalSeconds, logger: logger),
            WALCheckpointer(database: platform.database, logger: logger),
            WorkflowTimerPoller(workflow: platform.workflow, logger: logger),
            ServicesPoller(applications: platform.applications, outbox: platform.outbox, logger: logger),
            DatabaseCloser(database: platform.database),
        ],
        logger: logger
    )
}

/// The routes and middleware of the platform. Built twice: once to learn the routes, then for
/// real with that list, so 404s for a known path can answer 405 with `Allow`.
func buildRouter(_ platform: Platform) -> Router<AppRequestContext> {
    let probe = makeRouter(platform, routes: RouteIndex([]))
    return makeRouter(platform, routes: RouteIndex(probe.routes))
}

private func makeRouter(_ platform: Platform, routes: RouteIndex) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let errors = ErrorResponder(pages: platform.pages, routes: routes)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware<AppRequestContext>(.info))
    // Outer safety net for errors raised by the middleware below; the inner one sees language and user.
    router.add(middleware: ErrorMiddleware(responder: errors))
    router.add(middleware: LanguageMiddleware(cookies: platform.cookies))
    router.add(middleware: BearerMiddleware(clients: platform.clients))
    router.add(middleware: SessionMiddleware(authentication: platform.authentication))
    router.add(middleware: CSRFMiddleware(cookies: platform.cookies, errors: errors))
    router.add(middleware: ErrorMiddleware(responder: errors))
    platform.assets.register(on: router)
    OpsController(platform: platform).register(on: router)
    PortalController(platform: platform).register(on: router)
    AdminController(platform: platform).register(on: router)
    APIController(platform: platform).register(on: router)
    RegistryAPIController(platform: platform).register(on: router)
    LedgerController(platform: platform).register(on: router)
    RegistryPortalController(platform: platform).register(on: router)
    WorkflowAdminController(platform: platform).register(on: router)
    ServicesController(platform: platform).register(on: router)
    ApplicationsController(platform: platform).register(on: router)
    OfficeController(platform: platform).register(on: router)
    DocumentsController(platform: platform).register(on: router)
    PerformanceController(platform: platform).register(on: router)
    RegistrationAPIController(platform: platform).register(on: router)
    return router
}

/// Closes the database when the application shuts down.
struct DatabaseCloser: Service {
    let database: Storage.Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}
