import Hummingbird
import Identity

extension CookieFactory {
    /// Puts session `token` in the browser, with its form token (which belongs to the session, so
    /// it is renewed with it).
    func setSession(_ token: String, lifetime: Int, on response: inout Response) {
        response.setCookie(make(name: CookieFactory.session, value: token, maxAge: lifetime, httpOnly: true))
        response.setCookie(
            make(name: CookieFactory.csrf, value: CSRFMiddleware.token(forSession: token), maxAge: nil, httpOnly: true))
    }

    /// The answer to a first factor that was right (a password, the national identification
    /// provider): the session's cookies, and on to `next`, or first to the second step that an
    /// official's session waits for.
    func signedIn(_ signedIn: AuthenticationService.SignedIn, next: String, lifetime: Int) -> Response {
        let step: Route? =
            switch signedIn.secondFactor {
            case .code: .signInCode
            case .enrol: .signInAuthenticator
            case nil: nil
            }
        var response = Response.redirect(to: step?.path(query: [("next", next)]) ?? next)
        setSession(signedIn.token, lifetime: lifetime, on: &response)
        return response
    }
}
