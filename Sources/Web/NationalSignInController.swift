import Core
import Hummingbird
import Identity
import Logging

/// Sign-in through the national identification provider: off to the provider, and back.
struct NationalSignInController: Sendable {
    let national: NationalSignIn
    /// To end the browser's earlier session, as a sign-in with a password does.
    let authentication: AuthenticationService
    let cookies: CookieFactory
    let pages: PageRenderer
    let sessionLifetimeSeconds: Int

    /// The reasons the sign-in page may be asked to show after a failed sign-in here.
    static let failureKeys: Set<String> = [
        "error_national_unknown_login", "error_national_refused", "error_national_unavailable",
        "error_national_invalid",
    ]

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.signInNational.pattern, use: start)
        router.get(Route.signInNationalCallback.pattern, use: callback)
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = PortalController.safeNext(request.uri.queryParameters["next"].map(String.init))
        do {
            return .redirect(to: try await national.start(next: next))
        } catch let failure as NationalSignIn.Failure {
            return failed(failure, next: next, context: context)
        }
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        do {
            let (signedIn, next) = try await national.finish(
                code: query["code"].map(String.init), state: query["state"].map(String.init) ?? "",
                error: query["error"].map(String.init))
            if let earlier = context.sessionToken { try await authentication.signOut(sessionToken: earlier) }
            return cookies.signedIn(signedIn, next: next, lifetime: sessionLifetimeSeconds)
        } catch let failure as NationalSignIn.Failure {
            return failed(failure, next: Route.cabinet.rawValue, context: context)
        }
    }

    /// Back to the sign-in page, which says why (Post/Redirect/Get: the address carries only a key).
    private func failed(_ failure: NationalSignIn.Failure, next: String, context: AppRequestContext) -> Response {
        context.logger.notice("national sign-in failed", metadata: ["reason": "\(failure)"])
        return .redirect(to: Route.signIn.path(query: [("next", next), ("failed", failure.messageKey)]))
    }
}
