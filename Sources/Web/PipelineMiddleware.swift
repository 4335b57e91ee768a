import Core
import HTTPTypes
import Hummingbird
import Identity

/// The one layer every request passes: metrics, the access log line, the language (`?lang=`,
/// remembered in a cookie; the `lang` cookie; `Accept-Language`; Kyrgyz), the signed-in person
/// from the session cookie, an answer through `ErrorResponder` for any error (in the reader's
/// language, showing who is signed in), the `X-Request-ID` header and the security headers.
///
/// These were seven middlewares, then three; each layer is an async call with its own task frame
/// and a copy of the context, which on a probe cost more than the work inside them, and
/// Hummingbird's metrics layer wrapped every body, which cost the server its single write of an
/// answer (docs/performance.md). What a route needs beyond this (bearer tokens, CSRF, fair share)
/// is added by its area's group.
///
/// The session is read for pages and for the GovStack `/data/` paths a person may call from the
/// browser (`myPersonalDataUsage`); `/api/` takes bearer tokens only, and probes and static files
/// need nobody. It is read here rather than in the pages' group so that a "not found" page for a
/// mistyped address still shows who is signed in.
struct PipelineMiddleware: RouterMiddleware {
    let errors: ErrorResponder
    let cookies: CookieFactory
    let authentication: AuthenticationService
    let metrics: RequestMetrics
    /// Whether answers carry `Strict-Transport-Security` (the platform is served over HTTPS).
    let strictTransport: Bool

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let startedAt = ContinuousClock.now
        let active = metrics.started(request.method)
        // The fields of Hummingbird's `LogRequestsMiddleware`; the request id comes with the logger.
        context.logger.info(
            "Request",
            metadata: [
                "hb.request.path": .stringConvertible(request.uri),
                "hb.request.method": .string(request.method.rawValue),
            ])
        var context = context
        let asked = request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) }
        context.language =
            asked ?? request.cookies["lang"].flatMap { Language(rawValue: $0.value) }
            ?? Language.negotiate(acceptLanguage: request.headers[.acceptLanguage]) ?? .default
        var response: Response
        var fromError = false
        do {
            try await identify(request, in: &context)
            response = try await next(request, context)
        } catch {
            fromError = true
            response = errors.response(for: error, request: request, context: context)
        }
        if let asked {
            response.setCookie(cookies.make(name: "lang", value: asked.rawValue, maxAge: 365 * 86400, httpOnly: false))
        }
        response.headers.append(HTTPField(name: Self.requestIDHeader, value: context.id))
        SecurityHeaders.add(to: &response, path: request.uri.path, strictTransport: strictTransport)
        metrics.answer(
            &response, route: context.endpointPath ?? (fromError ? "NotFound" : "Unknown"), method: request.method,
            fromError: fromError, startedAt: startedAt, active: active)
        return response
    }

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    private func identify(_ request: Request, in context: inout AppRequestContext) async throws {
        let path = request.uri.path
        guard RouteArea(path: path) != .operations, !path.hasPrefix(Route.apiPrefix),
            let token = request.cookies[CookieFactory.session]?.value, !token.isEmpty
        else { return }
        context.principal = try await authentication.principal(sessionToken: token)
        context.sessionToken = context.principal == nil ? nil : token
        // The person's forms carry the session's token, on pages that the CSRF middleware does not
        // see too (the "not found" page's sign-out button).
        if context.principal != nil { context.csrfToken = CSRFMiddleware.token(forSession: token) }
    }
}
