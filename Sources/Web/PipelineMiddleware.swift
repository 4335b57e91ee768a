import Core
import HTTPTypes
import Hummingbird
import Identity

/// What every answer gets, in one layer: the access log line, the `X-Request-ID` header, the
/// security headers, and an answer through `ErrorResponder` for an error that no inner layer
/// turned into one.
///
/// These were four middlewares; each layer is an async call with its own task frame and a copy of
/// the context, which on a probe cost more than the work inside them (see docs/performance.md).
struct EveryAnswerMiddleware: RouterMiddleware {
    let errors: ErrorResponder
    /// Whether answers carry `Strict-Transport-Security` (the platform is served over HTTPS).
    let strictTransport: Bool

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        // The fields of Hummingbird's `LogRequestsMiddleware`; the request id comes with the logger.
        context.logger.info(
            "Request",
            metadata: [
                "hb.request.path": .stringConvertible(request.uri),
                "hb.request.method": .string(request.method.rawValue),
            ])
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errors.response(for: error, request: request, context: context)
        }
        response.headers.append(HTTPField(name: Self.requestIDHeader, value: context.id))
        SecurityHeaders.add(to: &response, path: request.uri.path, strictTransport: strictTransport)
        return response
    }

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!
}

/// Who is asking, in one layer: the language (`?lang=`, remembered in a cookie; the `lang` cookie;
/// `Accept-Language`; Kyrgyz) and the signed-in person from the session cookie. Errors below it
/// are answered here, so an error page is in the reader's language and shows who is signed in.
///
/// The session is read for pages and for the GovStack `/data/` paths a person may call from the
/// browser (`myPersonalDataUsage`); `/api/` takes bearer tokens only, and probes and static files
/// need nobody. It runs for every request rather than in the pages' group so that a "not found"
/// page for a mistyped address still shows who is signed in.
struct VisitorMiddleware: RouterMiddleware {
    let cookies: CookieFactory
    let authentication: AuthenticationService
    let errors: ErrorResponder

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let asked = request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) }
        context.language =
            asked ?? request.cookies["lang"].flatMap { Language(rawValue: $0.value) }
            ?? Language.negotiate(acceptLanguage: request.headers[.acceptLanguage]) ?? .default
        var response: Response
        do {
            try await identify(request, in: &context)
            response = try await next(request, context)
        } catch {
            response = errors.response(for: error, request: request, context: context)
        }
        if let asked {
            response.setCookie(cookies.make(name: "lang", value: asked.rawValue, maxAge: 365 * 86400, httpOnly: false))
        }
        return response
    }

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
