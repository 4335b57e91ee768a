import Core
import Hummingbird
import Identity

/// The second step of an official's sign-in: a code from their authenticator app (or a recovery
/// code), or, the first time, setting the app up. Until then the session opens no page.
struct SecondFactorController: Sendable {
    let authentication: AuthenticationService
    let cookies: CookieFactory
    let pages: PageRenderer
    let sessionLifetimeSeconds: Int

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.signInCode.pattern, use: codePage)
        router.post(Route.signInCode.pattern, use: checkCode)
        router.get(Route.signInAuthenticator.pattern, use: enrolPage)
        router.post(Route.signInAuthenticator.pattern, use: enrol)
    }

    /// The token of the session that waits for its second factor (a pending session is not a
    /// principal, so it is read from the cookie).
    private func pendingToken(_ request: Request) -> String? {
        request.cookies[CookieFactory.session]?.value
    }

    private func startAgain(_ next: String) -> Response {
        .redirect(to: Route.signIn.path(query: [("next", next)]))
    }

    @Sendable func codePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = PortalController.safeNext(request.uri.queryParameters["next"].map(String.init))
        guard let token = pendingToken(request),
            let pending = try await authentication.pendingSecondFactor(
                sessionToken: token)
        else { return startAgain(next) }
        if pending.step == .enrol { return .redirect(to: Route.signInAuthenticator.path(query: [("next", next)])) }
        return codeForm(request, context: context, next: next, error: nil, status: .ok)
    }

    @Sendable func checkCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        let next = PortalController.safeNext(form["next"])
        guard let token = pendingToken(request) else { return startAgain(next) }
        do {
            let full = try await authentication.completeSecondFactor(sessionToken: token, code: form["code"])
            return signedIn(full, next: next)
        } catch let failure as AuthenticationService.SecondFactorFailure {
            return failed(failure, next: next) { key, status in
                codeForm(request, context: context, next: next, error: key, status: status)
            }
        }
    }

    @Sendable func enrolPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = PortalController.safeNext(request.uri.queryParameters["next"].map(String.init))
        guard let token = pendingToken(request) else { return startAgain(next) }
        do {
            let offer = try await authentication.offerAuthenticator(sessionToken: token)
            return enrolForm(request, context: context, next: next, offer: offer, error: nil, status: .ok)
        } catch AuthenticationService.SecondFactorFailure.noPendingSession {
            return startAgain(next)
        }
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        let next = PortalController.safeNext(form["next"])
        guard let token = pendingToken(request) else { return startAgain(next) }
        do {
            let (full, codes) = try await authentication.enrolAuthenticator(sessionToken: token, code: form["code"])
            // The recovery codes exist only in this answer (only their digests are kept), so this
            // one form answers with a page instead of a redirect, as issuing an API token does.
            var response = pages.render(
                "recovery_codes", titleKey: "recovery_title", request: request, context: context,
                page: RecoveryCodesPage(codes: codes, next: next))
            cookies.setSession(full, lifetime: sessionLifetimeSeconds, on: &response)
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let failure as AuthenticationService.SecondFactorFailure {
            guard let offer = try? await authentication.offerAuthenticator(sessionToken: token) else {
                return startAgain(next)
            }
            return failed(failure, next: next) { key, status in
                enrolForm(request, context: context, next: next, offer: offer, error: key, status: status)
            }
        }
    }

    /// The answer to a refused code: sign in again when nothing waits, else the form with the reason.
    private func failed(
        _ failure: AuthenticationService.SecondFactorFailure, next: String,
        form: (String, HTTPResponse.Status) -> Response
    ) -> Response {
        switch failure {
        case .noPendingSession: return startAgain(next)
        case .malformed: return form("error_second_factor_format", .unprocessableContent)
        case .rejected: return form("error_second_factor_wrong", .unauthorized)
        case .throttled(let seconds):
            var response = form("error_signin_throttled", .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    private func signedIn(_ token: String, next: String) -> Response {
        var response = Response.redirect(to: next)
        cookies.setSession(token, lifetime: sessionLifetimeSeconds, on: &response)
        return response
    }

    private func codeForm(
        _ request: Request, context: AppRequestContext, next: String, error: String?, status: HTTPResponse.Status
    ) -> Response {
        let view = FormView(
            language: context.language, values: FormData(""),
            errors: error.map { [FieldError(field: "code", messageKey: $0)] } ?? [])
        let field = view.field(
            "code", label: "field_second_factor_code", hint: "field_second_factor_hint", autocomplete: "off",
            inputmode: "numeric", keepValue: false)
        return pages.render(
            "signin_code", titleKey: "second_factor_title", request: request, context: context, status: status,
            page: SecondFactorPage(fields: [field], next: next), errors: ErrorSummary(view.errors, context.language))
    }

    private func enrolForm(
        _ request: Request, context: AppRequestContext, next: String, offer: (secret: String, uri: String),
        error: String?, status: HTTPResponse.Status
    ) -> Response {
        let view = FormView(
            language: context.language, values: FormData(""),
            errors: error.map { [FieldError(field: "code", messageKey: $0)] } ?? [])
        let field = view.field(
            "code", label: "field_second_factor_code", autocomplete: "off", inputmode: "numeric",
            keepValue: false)
        var response = pages.render(
            "signin_authenticator", titleKey: "authenticator_title", request: request, context: context,
            status: status,
            page: AuthenticatorPage(
                fields: [field], next: next,
                secret: stride(from: 0, to: offer.secret.count, by: 4).map {
                    String(offer.secret.dropFirst($0).prefix(4))
                }.joined(separator: " "),
                uri: offer.uri),
            errors: ErrorSummary(view.errors, context.language))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// The second-factor form: one code field.
struct SecondFactorPage: Encodable, Sendable {
    var fields: [FieldModel]
    var next: String
}

/// Setting up an authenticator app: the secret in groups of four and its `otpauth://` address.
struct AuthenticatorPage: Encodable, Sendable {
    var fields: [FieldModel]
    var next: String
    var secret: String
    var uri: String
}

/// The ten recovery codes, shown once after the authenticator is set up.
struct RecoveryCodesPage: Encodable, Sendable {
    var codes: [String]
    var next: String
}
