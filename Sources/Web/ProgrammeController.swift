import Core
import Foundation
import Hummingbird
import Identity
import Programme
import Registries

/// The programme's public dashboard (`/programme`), each indicator's page with how it is computed,
/// and emergency alerts: the page, the JSON feed and each alert as CAP 1.2 XML.
struct ProgrammeController: Sendable {
    let identity: IdentityService
    let programme: ProgrammeService
    let alerts: AlertService
    let clock: Clock
    let pages: PageRenderer

    /// How the CAP feed names the platform as sender.
    static let capSender = "alerts@tazakoom.gov.kg"

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.programme.pattern, use: dashboard)
        router.get(Route.programmeIndicator.pattern, use: indicator)
        router.get(Route.alerts.pattern, use: alertsPage)
        router.get(Route.alertCAP.pattern, use: cap)
        router.get(Route.alertsAPI.pattern, use: feed)
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let model = ProgrammePage.make(
            try await programme.overview(), regions: try await identity.regions(), language: context.language)
        return pages.render("programme", titleKey: "programme_heading", request: request, context: context, page: model)
    }

    @Sendable func indicator(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        let overview = try await programme.overview()
        guard code.count <= 64, let indicator = overview.indicators.first(where: { $0.code == code }) else {
            throw DomainError.notFound
        }
        let model = IndicatorPage.make(indicator, overview.measurements[code] ?? [], language: context.language)
        return pages.render(
            "programme_indicator", titleKey: "programme_indicator_title", request: request, context: context,
            page: model, naming: model.heading)
    }

    @Sendable func alertsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        var mine: [EmergencyAlert] = []
        if let principal = context.principal { mine = try await alerts.inbox(of: principal.pin) }
        let model = AlertsPage.make(
            try await alerts.recent(), mine: mine, regions: try await identity.regions(), now: clock.seconds,
            language: context.language)
        return pages.render("alerts", titleKey: "alerts_heading", request: request, context: context, page: model)
    }

    @Sendable func cap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let alert = try? await alerts.alert(id) else { throw DomainError.notFound }
        let xml = CAPDocument.xml(alert, sender: Self.capSender, regionNames: try await regionNames())
        return Response(
            status: .ok, headers: [.contentType: "application/cap+xml; charset=utf-8", .cacheControl: "max-age=60"],
            body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = clock.seconds
        let items: [JSONValue] = try await alerts.recent().map { alert in
            var texts: [String: JSONValue] = [:]
            for language in Language.allCases {
                let text = alert.text(language)
                texts[language.rawValue] = .object([
                    "headline": .string(text.headline), "instruction": .string(text.instruction),
                ])
            }
            return .object([
                "id": .string(alert.id), "identifier": .string(CAPDocument.identifier(alert)),
                "agency": .string(alert.agency), "category": .string(alert.category.rawValue),
                "severity": .string(alert.severity.rawValue), "urgency": .string(alert.urgency.rawValue),
                "certainty": .string(alert.certainty.rawValue), "regions": .array(alert.regions.map(JSONValue.string)),
                "sent": .string(CalendarDate.utcTimestamp(alert.sentAt)),
                "expires": .string(CalendarDate.utcTimestamp(alert.expiresAt)),
                "active": .bool(alert.isActive(at: now)),
                "cap": .string(Route.alertCAP.path(alert.id)), "texts": .object(texts),
            ])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=10"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["alerts": .array(items)]).canonicalJSON)))
    }

    private func regionNames() async throws -> [String: LocalizedName] {
        Dictionary(uniqueKeysWithValues: try await identity.regions().map { ($0.code, $0.name) })
    }
}

/// Puts the alerts in force for the reader on the request, for the layout's banner (pages only).
struct AlertBannerMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let alerts: AlertService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        // An alert that cannot be read must not take every page down with it.
        context.alerts = (try? await alerts.banner(for: context.principal?.pin)) ?? []
        return try await next(request, context)
    }
}
