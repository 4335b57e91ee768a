import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Identity

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
            token = header.dropFirst(7).trimmingWhitespace()
        } else if ckan {
            token = header.trimmingWhitespace()
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

    /// Adds the headers to an answer to `path`. They are appended as fields made once: no route
    /// sets these, and checking each value's bytes and replacing fields by name on every response
    /// was a measurable share of a small answer.
    static func add(to response: inout Response, path: String, strictTransport: Bool) {
        response.headers.append(contentsOf: fields)
        if strictTransport { response.headers.append(Self.strictTransport) }
        // Answers to other systems may carry a person's data: no cache keeps them unless a route says so.
        if response.headers[.cacheControl] == nil, RouteArea(path: path) == .machine {
            response.headers[.cacheControl] = "no-store"
        }
    }
}
