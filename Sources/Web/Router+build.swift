import Core
import Hummingbird
import Logging
import Storage

/// The routes and middleware of the platform. Built twice: once to learn the routes, then for
/// real with that list, so 404s for a known path can answer 405 with `Allow`.
public func buildRouter(_ services: WebServices) -> Router<AppRequestContext> {
    _ = Telemetry.registry
    let metrics = RequestMetrics()
    let probe = makeRouter(services, routes: RouteIndex([]), metrics: metrics)
    return makeRouter(services, routes: RouteIndex(probe.routes), metrics: metrics)
}

/// Each controller gets the services its routes call, nothing more.
private func makeRouter(_ s: WebServices, routes: RouteIndex, metrics: RequestMetrics) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let errors = ErrorResponder(pages: s.pages, routes: routes)
    let idempotency = IdempotentWrites(store: s.idempotency)
    // Every request: one layer for metrics, the access log, language, the signed-in person, errors
    // and the headers every answer carries; each layer is an async call of its own
    // (docs/performance.md).
    router.add(
        middleware: PipelineMiddleware(
            errors: errors, cookies: s.cookies, authentication: s.authentication, metrics: metrics,
            strictTransport: s.configuration.secureCookies))
    // Then only what each area needs: bearer tokens for other systems, CSRF tokens for pages.
    // Writes in both areas hold back page reads while they wait (FairShare).
    let share = FairShare(slots: s.configuration.pageReadSlots)
    let areas = AreaRouter(
        operations: router.group(),
        machine: router.group().add(middleware: FairShareMiddleware(share: share, gatesReads: false))
            .add(middleware: BearerMiddleware(clients: s.clients)),
        pages: router.group().add(middleware: FairShareMiddleware(share: share, gatesReads: true))
            .add(middleware: CSRFMiddleware(cookies: s.cookies, errors: errors))
            .add(middleware: AlertBannerMiddleware(alerts: s.alerts)))
    s.assets.register(on: areas)
    OpsController(database: s.database).register(on: areas)
    PortalController(
        identity: s.identity, authentication: s.authentication, nationalSignIn: s.nationalSignIn != nil,
        cookies: s.cookies, pages: s.pages,
        sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
    ).register(on: areas)
    SecondFactorController(
        authentication: s.authentication, cookies: s.cookies, pages: s.pages,
        sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
    ).register(on: areas)
    if let national = s.nationalSignIn {
        NationalSignInController(
            national: national, authentication: s.authentication, cookies: s.cookies, pages: s.pages,
            sessionLifetimeSeconds: s.configuration.sessionLifetimeSeconds
        ).register(on: areas)
    }
    AssuranceController(activation: s.activation, pages: s.pages).register(on: areas)
    ContactController(contact: s.contact, identity: s.identity, pages: s.pages).register(on: areas)
    RegistrarController(activation: s.activation, pages: s.pages).register(on: areas)
    AdminController(
        identity: s.identity, clients: s.clients, ledger: s.ledger, checkpointFile: s.checkpointFile, pages: s.pages
    ).register(on: areas)
    APIController(identity: s.identity, registries: s.registries, idempotency: idempotency).register(on: areas)
    RegistryAPIController(identity: s.identity, registries: s.registries, idempotency: idempotency).register(
        on: areas)
    LedgerController(ledger: s.ledger, pages: s.pages).register(on: areas)
    RegistryPortalController(identity: s.identity, registries: s.registries, pages: s.pages).register(on: areas)
    MyRecordsController(identity: s.identity, registries: s.registries, applications: s.applications, pages: s.pages)
        .register(on: areas)
    WorkflowAdminController(workflow: s.workflow, catalogue: s.applications.catalogue, clock: s.clock, pages: s.pages)
        .register(on: areas)
    ServicesController(identity: s.identity, applications: s.applications, registries: s.registries, pages: s.pages)
        .register(on: areas)
    ApplicationsController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: areas)
    OfficeController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: areas)
    DocumentsController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: areas)
    PerformanceController(identity: s.identity, applications: s.applications, pages: s.pages).register(on: areas)
    RegistrationAPIController(applications: s.applications).register(on: areas)
    CKANController(openData: s.openData, reads: s.openDataReads, clock: s.clock).register(on: areas)
    OpenDataPortalController(openData: s.openDataReads, pages: s.pages).register(on: areas)
    OpenDataStandardsController(openData: s.openDataReads).register(on: areas)
    PetitionAPIController(petitions: s.participation.petitions).register(on: areas)
    ParticipationController(identity: s.identity, participation: s.participation, clock: s.clock, pages: s.pages)
        .register(on: areas)
    ModerationController(participation: s.participation, pages: s.pages).register(on: areas)
    OfficeParticipationController(identity: s.identity, participation: s.participation, pages: s.pages)
        .register(on: areas)
    ProgrammeController(
        identity: s.identity, programme: s.programme, alerts: s.alerts, clock: s.clock, pages: s.pages
    ).register(on: areas)
    OfficeProgrammeController(identity: s.identity, programme: s.programme, alerts: s.alerts, pages: s.pages)
        .register(on: areas)
    if let exchange = s.exchange {
        ExchangeController(node: exchange).register(on: areas)
        ExchangeAdminController(node: exchange, pages: s.pages).register(on: areas)
    }
    return router
}
