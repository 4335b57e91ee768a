import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Identity

/// Catches every error below it and answers through `ErrorResponder`; also stamps `X-Request-ID`.
struct ErrorMiddleware: RouterMiddleware {
    let responder: ErrorResponder

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = responder.response(for: error, request: request, context: context)
        }
        if let name = Self.requestIDHeader { response.headers[name] = context.id }
        return response
    }

    static let requestIDHeader = HTTPField.Name("X-Request-ID")
}

/// Chooses the language: `?lang=` (and remember it), the `lang` cookie, `Accept-Language`, Kyrgyz.
struct LanguageMiddleware: RouterMiddleware {
    let cookies: CookieFactory

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let asked = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            context.language = asked
            var response = try await next(request, context)
            response.setCookie(cookies.make(name: "lang", value: asked.rawValue, maxAge: 365 * 86400, httpOnly: false))
            return response
        }
        context.language =
            request.cookies["lang"].flatMap { Language(rawValue: $0.value) }
            ?? Language.negotiate(acceptLanguage: request.headers[.acceptLanguage])
            ?? .default
        return try await next(request, context)
    }
}

/// Finds the signed-in person from the session cookie: for pages, and for the GovStack `/data/`
/// paths a person may call from the browser (`myPersonalDataUsage`); `/api/` takes bearer tokens
/// only, and probes and static files need nobody. It runs for every request rather than in the
/// pages' group so that a "not found" page for a mistyped address still shows who is signed in.
struct SessionMiddleware: RouterMiddleware {
    let authentication: AuthenticationService

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard RouteArea(path: path) != .operations, !path.hasPrefix(Route.apiPrefix),
            let token = request.cookies[CookieFactory.session]?.value,
            !token.isEmpty
        else {
            return try await next(request, context)
        }
        var context = context
        context.principal = try await authentication.principal(sessionToken: token)
        context.sessionToken = context.principal == nil ? nil : token
        // The person's forms carry the session's token, on pages that the CSRF middleware does not
        // see too (the "not found" page's sign-out button).
        if context.principal != nil { context.csrfToken = CSRFMiddleware.token(forSession: token) }
        return try await next(request, context)
    }
}

/// CSRF protection for forms. A signed-in person's token is derived from their session (so it
/// changes at every sign-in, and a cookie and field that an attacker managed to set as a pair do
/// not pass); a visitor without a session has a random `tk_csrf` cookie to echo (double submit).
/// Every form that changes something must send the token in `_csrf`, and a request whose `Origin`
/// names another host, or that the browser marks `Sec-Fetch-Site: cross-site`, is refused.
struct CSRFMiddleware: RouterMiddleware {
    /// The token of the session `sessionToken`: unguessable without the (secret, HttpOnly) session.
    static func token(forSession sessionToken: String) -> String {
        Hex.encode(SHA256.hash(data: Data(("tk-csrf:" + sessionToken).utf8)))
    }

    /// Whether the browser says the request comes from another site.
    static func crossSite(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" { return true }
        guard let origin = request.headers[.origin] else { return false }
        guard let host = URLComponents(string: origin)?.host, let authority = request.head.authority else {
            return true
        }
        let own = authority.split(separator: ":").first.map(String.init) ?? authority
        return host.lowercased() != own.lowercased()
    }

    let cookies: CookieFactory
    let errors: ErrorResponder

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let existing = request.cookies[CookieFactory.csrf]?.value
        let token =
            context.sessionToken.map(Self.token(forSession:)) ?? existing.flatMap { $0.count >= 32 ? $0 : nil }
            ?? Secrets.token()
        context.csrfToken = token
        var request = request
        let unsafe = ![HTTPRequest.Method.get, .head, .options].contains(request.method)
        if unsafe {
            let sent: String
            if let boundary = RequestForm.boundary(of: request) {
                // A form with files: the token is one of its parts.
                let limit = RequestForm.limit(for: request.uri.path)
                try RequestForm.refuseDeclaredOversize(request, limit: limit)
                let buffer = try await request.collectBody(upTo: limit)
                sent = (try? RequestForm.parse(buffer, boundary: boundary))?["_csrf"] ?? ""
            } else {
                try RequestForm.refuseDeclaredOversize(request, limit: 64 * 1024)
                let buffer = try await request.collectBody(upTo: 64 * 1024)
                sent = FormData(String(buffer: buffer))["_csrf"]
            }
            // A session's token is checked against the session alone; a visitor's against their cookie.
            let expected = context.sessionToken != nil ? token : existing
            guard !Self.crossSite(request), let expected, !sent.isEmpty, Secrets.constantTimeEquals(sent, expected)
            else {
                return errors.response(for: DomainError.forbidden, request: request, context: context)
            }
        }
        var response = try await next(request, context)
        // Only pages carry forms; JSON, metrics and files need no token.
        if existing != token, response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.setCookie(cookies.make(name: CookieFactory.csrf, value: token, maxAge: nil, httpOnly: true))
        }
        return response
    }
}

/// Authenticates other systems on `/api/` and `/data/` by `Authorization: Bearer <token>`.
struct BearerMiddleware: RouterMiddleware {
    let clients: APIClientService
    static let ckanKey = HTTPField.Name("X-CKAN-API-Key")!

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        // CKAN's clients send the bare token in `Authorization` or `X-CKAN-API-Key`; elsewhere
        // only `Bearer` is read, so a mistyped scheme is an error rather than a guess.
        let ckan =
            request.uri.path.hasPrefix(Route.ckanAction.prefix)
            || request.uri.path.hasPrefix(Route.ckanActionUnversioned.prefix)
        guard let header = request.headers[.authorization] ?? (ckan ? request.headers[Self.ckanKey] : nil) else {
            return try await next(request, context)
        }
        let token: String
        if header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if ckan {
            token = header.trimmingCharacters(in: .whitespaces)
        } else {
            throw DomainError.unauthenticated
        }
        guard let client = try await clients.authenticate(token: token) else {
            throw DomainError.unauthenticated
        }
        var context = context
        context.apiClient = client
        return try await next(request, context)
    }
}

/// Makes cookies with the platform's flags: HttpOnly where possible, SameSite=Lax, Secure behind TLS.
struct CookieFactory: Sendable {
    static let session = "tk_session"
    static let csrf = "tk_csrf"
    let secure: Bool

    func make(name: String, value: String, maxAge: Int?, httpOnly: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: httpOnly, sameSite: .lax)
    }

    func expired(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// Headers every answer carries: no sniffing of content types (uploaded files included), no
/// framing, no referrer to other sites, a content security policy that allows nothing inline and
/// nothing from elsewhere, and HSTS when the platform is served over HTTPS (secure cookies).
/// The headers every answer carries, made once.
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let fields: [HTTPField] = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
        HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY"),
        HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "same-origin"),
    ]
    static let strictTransport = HTTPField(name: .strictTransportSecurity, value: "max-age=31536000")
}

struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let strictTransport: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        // Appended as fields made once: no route sets these, and checking each value's bytes and
        // replacing fields by name on every response was a measurable share of a small answer.
        response.headers.append(contentsOf: SecurityHeaders.fields)
        if strictTransport { response.headers.append(SecurityHeaders.strictTransport) }
        // Answers to other systems may carry a person's data: no cache keeps them unless a route says so.
        if response.headers[.cacheControl] == nil, RouteArea(path: request.uri.path) == .machine {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
