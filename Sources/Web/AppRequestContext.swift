import Core
import Hummingbird
import Identity
import Logging
import NIOCore
import Programme

/// Everything a handler knows about the request beyond the request itself.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The reader's language: cookie, then `Accept-Language`, then Kyrgyz.
    public var language: Language = .default
    /// The signed-in person, if any.
    public var principal: Principal?
    /// The raw session token from the cookie, kept to end the session on sign-out.
    public var sessionToken: String?
    /// The calling system, for bearer-token requests to `/api`.
    public var apiClient: APIClient?
    /// The anti-forgery token every form of this response must carry.
    public var csrfToken: String = ""
    /// Emergency alerts in force for this reader (pages only), shown as a banner on every page.
    public var alerts: [EmergencyAlert] = []
    /// Cookies that middleware wants on the response (language, CSRF).
    public var pendingCookies: [Cookie] = []
    /// The connection, kept to find the peer's address when a route asks for it.
    private let channel: any Channel

    /// The peer's IP address, used to throttle sign-in per address. Made when asked: only
    /// sign-in needs it, and its text cost a share of every small answer.
    public var remoteAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

extension AppRequestContext {
    /// The calling system: 401 without a (live) token, 403 when it lacks `scope`.
    func client(requiring scope: Scope? = nil) throws -> APIClient {
        guard let client = apiClient else { throw DomainError.unauthenticated }
        if let scope { try AccessPolicy.require(scope, of: client) }
        return client
    }
}
