import Core
import Hummingbird
import Logging
import Storage

/// The routes and middleware of the platform. Built twice: once to learn the routes, then for
/// real with that list, so 404s for a known path can answer 405 with `Allow`.
public func buildRouter(_ services: WebServices) -> Router<AppRequestContext> {
    _ = Telemetry.registry
    let probe = makeRouter(services, routes: RouteIndex([]))
    return makeRouter(services, routes: RouteIndex(probe.routes))
}

/// Each controller gets the services its routes call, nothing more.
private func makeRouter(_ s: WebServices, routes: RouteIndex) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let errors = ErrorResponder(pages: s.pages, routes: routes)
    let idempotency = IdempotentWrites(store: s.idempotency)
    router.add(middleware: SecurityHeadersMiddleware<AppRequestContext>(strictTransport: s.configuration.secureCookies))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware<AppRequestContext>(.info))
    // Outer safety net for errors raised by the middleware below; the inner one sees language and user.
    router.add(middleware: ErrorMiddleware(responder: errors))
    router.add(middleware: LanguageMiddleware(cookies: s.cookies))
    router.add(middleware: BearerMiddleware(clients: s.clients))
    router.add(middleware: SessionMiddleware(authentication: s.authentication))
    router.add(middleware: CSRFMiddleware(cookies: s.cookies, errors: errors))
    router.add(middleware: ErrorMiddleware(responder: errors))
    s.assets.register(on: router)
    OpsController(database: s.database).register(on: router)
    PortalController(
        identity: s.identity, authentication: s.authentication, nationalSignIn: s.nationalSignIn != nil,
        cookies: s.cookies, pages: s.pages,
        sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
    ).register(on: router)
    SecondFactorController(
        authentication: s.authentication, cookies: s.cookies, pages: s.pages,
        sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
    ).register(on: router)
    if let national = s.nationalSignIn {
        NationalSignInController(
            national: national, authentication: s.authentication, cookies: s.cookies, pages: s.pages,
            sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
        ).register(on: router)
    }
    AssuranceController(activation: s.activation, pages: s.pages).register(on: router)
    RegistrarController(activation: s.activation, pages: s.pages).register(on: router)
    AdminController(
        identity: s.identity, clients: s.clients, ledger: s.ledger, checkpointFile: s.checkpointFile, pages: s.pages
    ).register(on: router)
    APIController(identity: s.identity, registries: s.registries, idempotency: idempotency).register(on: router)
    RegistryAPIController(identity: s.identity, registries: s.registries, idempotency: idempotency).register(
        on: router)
    LedgerController(ledger: s.ledger, pages: s.pages).register(on: router)
    RegistryPortalController(identity: s.identity, registries: s.registries, pages: s.pages).register(on: router)
    WorkflowAdminController(workflow: s.workflow, clock: s.clock, pages: s.pages).register(on: router)
    ServicesController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: router)
    ApplicationsController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: router)
    OfficeController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: router)
    DocumentsController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: router)
    PerformanceController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: router)
    RegistrationAPIController(applications: s.applications).register(on: router)
    return router
}
