import Core
import Crypto
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sign-in through a national identification provider with OpenID Connect: the authorization code
/// flow with PKCE (S256), a nonce, and the ID token checked against the provider's published keys.
/// The person's PIN comes from a claim; such a sign-in confirms the account at *substantial*.
public struct NationalSignIn: Sendable {
    let settings: IdentityProviderSettings
    let store: SQLIdentityStore
    let authentication: AuthenticationService
    let passwords: PasswordHasher
    let clock: Clock
    /// The provider's discovery document and keys change rarely: kept ten minutes.
    let documents = TTLCache<String, Data>(lifetime: .seconds(600))

    /// How long a person may take at the provider before the sign-in is forgotten.
    static let loginLifetimeSeconds = 600

    /// Why a sign-in through the provider did not succeed; `messageKey` names what to tell the person.
    public enum Failure: Error, Equatable {
        /// The callback names no sign-in that started here (or one already finished, or too old).
        case unknownLogin
        /// The provider answered with an error (the person cancelled, for example).
        case refusedByProvider(String)
        /// The provider could not be reached or answered something unusable.
        case providerUnavailable
        /// The ID token did not pass its checks.
        case invalidToken(IDToken.Failure)
        /// The token names no valid PIN.
        case noPIN

        public var messageKey: String {
            switch self {
            case .unknownLogin: "error_national_unknown_login"
            case .refusedByProvider: "error_national_refused"
            case .providerUnavailable: "error_national_unavailable"
            case .invalidToken, .noPIN: "error_national_invalid"
            }
        }
    }

    public init(
        settings: IdentityProviderSettings, store: SQLIdentityStore, authentication: AuthenticationService,
        passwords: PasswordHasher, clock: Clock
    ) {
        self.settings = settings
        self.store = store
        self.authentication = authentication
        self.passwords = passwords
        self.clock = clock
    }

    /// Starts a sign-in: remembers its PKCE verifier and nonce, and returns where to send the browser.
    public func start(next: String) async throws -> String {
        let endpoint = try await discovery().authorizationEndpoint
        let state = Secrets.token()
        let nonce = Secrets.token()
        let verifier = Secrets.token() + Secrets.token()
        let challenge = IDToken.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        let now = clock.seconds
        try await store.rememberLogin(
            state: state, verifier: verifier, nonce: nonce, next: next, now: now,
            forgetBefore: now - Self.loginLifetimeSeconds)
        var components = URLComponents(string: endpoint)
        let existing = components?.queryItems ?? []
        components?.queryItems =
            existing + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: settings.clientID),
                URLQueryItem(name: "redirect_uri", value: settings.redirectURI),
                URLQueryItem(name: "scope", value: "openid"),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: challenge),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        guard let url = components?.string else { throw Failure.providerUnavailable }
        return url
    }

    /// Finishes a sign-in from the provider's callback: exchanges the code (with the verifier),
    /// checks the ID token, makes sure the person has an account confirmed at substantial, and
    /// opens a session. Returns the session and where the person was going.
    public func finish(code: String?, state: String, error: String?) async throws -> (
        signedIn: AuthenticationService.SignedIn, next: String
    ) {
        let now = clock.seconds
        guard !state.isEmpty,
            let login = try await store.takeLogin(state: state, since: now - Self.loginLifetimeSeconds)
        else { throw Failure.unknownLogin }
        if let error { throw Failure.refusedByProvider(String(error.prefix(100))) }
        guard let code, !code.isEmpty else { throw Failure.refusedByProvider("no code") }
        let configuration = try await discovery()
        guard let tokenEndpoint = URL(string: configuration.tokenEndpoint),
            let keysURL = URL(string: configuration.keysURI)
        else { throw Failure.providerUnavailable }
        var fields = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI),
            ("client_id", settings.clientID), ("code_verifier", login.verifier),
        ]
        if let secret = settings.clientSecret { fields.append(("client_secret", secret)) }
        let answer = try await Self.post(tokenEndpoint, form: fields)
        guard let idToken = (try? JSONDecoder().decode(TokenAnswer.self, from: answer))?.idToken else {
            throw Failure.refusedByProvider("no ID token")
        }
        let token: IDToken
        do {
            token = try await verify(idToken, keys: keysURL, nonce: login.nonce, now: now, refresh: false)
        } catch IDToken.Failure.unknownKey {
            // The provider may have rotated its keys since they were kept: fetch them once more.
            token = try await verify(idToken, keys: keysURL, nonce: login.nonce, now: now, refresh: true)
        } catch let failure as IDToken.Failure {
            throw Failure.invalidToken(failure)
        }
        guard let pin = token.claims[settings.pinClaim].flatMap({ try? PIN($0) }) else { throw Failure.noPIN }
        try await ensureConfirmedAccount(pin, claims: token.claims, now: now)
        return (try await authentication.openSession(pin: pin.value), login.next)
    }

    private func verify(_ idToken: String, keys url: URL, nonce: String, now: Int, refresh: Bool) async throws
        -> IDToken
    {
        let keys = try await documents.value(for: url.absoluteString, refresh: refresh) { try await Self.get(url) }
        do {
            return try IDToken.verify(
                idToken, keys: keys, issuer: settings.issuer, clientID: settings.clientID, nonce: nonce, now: now)
        } catch .unknownKey where !refresh {
            throw IDToken.Failure.unknownKey
        } catch {
            throw Failure.invalidToken(error)
        }
    }

    /// The person gets an account if they had none (a password nobody knows: they sign in through
    /// the provider, or set one later), and a low account is raised to substantial, on the record.
    private func ensureConfirmedAccount(_ pin: PIN, claims: [String: String], now: Int) async throws {
        let how = "national-identification:" + settings.issuer
        if try await store.person(pin: pin.value) == nil {
            let person = Person(
                pin: pin.value, familyName: claims["family_name"] ?? "—", givenName: claims["given_name"] ?? "—",
                birthDate: pin.birthDate.description, sex: pin.sex.rawValue)
            do {
                _ = try await store.insert(
                    person, passwordHash: await passwords.hash(Secrets.token()), now: now, by: .subjectThemself)
            } catch DomainError.conflict {
                // Registered by a parallel sign-in a moment ago: carry on with that record.
            }
        } else if try await store.passwordHash(pin: pin.value) == nil {
            try await store.setPasswordHash(await passwords.hash(Secrets.token()), pin: pin.value, now: now)
        }
        if try await store.assurance(pin: pin.value) == .low {
            try await store.setAssurance(.substantial, pin: pin.value, how: how, now: now, by: .subjectThemself)
        }
    }

    /// The provider's endpoints, from its discovery document.
    struct Discovery: Decodable {
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var keysURI: String

        enum CodingKeys: String, CodingKey {
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case keysURI = "jwks_uri"
        }
    }

    /// What the token endpoint answers, as far as sign-in needs it.
    struct TokenAnswer: Decodable {
        var idToken: String?

        enum CodingKeys: String, CodingKey { case idToken = "id_token" }
    }

    private func discovery() async throws -> Discovery {
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        guard let url = URL(string: base + "/.well-known/openid-configuration") else {
            throw Failure.providerUnavailable
        }
        let data = try await cached(url)
        guard let document = try? JSONDecoder().decode(Discovery.self, from: data) else {
            throw Failure.providerUnavailable
        }
        return document
    }

    private func cached(_ url: URL) async throws -> Data {
        try await documents.value(for: url.absoluteString) { try await Self.get(url) }
    }

    /// At most 1 MiB in at most 10 seconds: the provider is another system, trusted to a point.
    static func get(_ url: URL) async throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try await fetch(request)
    }

    static func post(_ url: URL, form fields: [(String, String)]) async throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        request.httpBody = Data(
            fields.map {
                ($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                    + ($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
            }.joined(separator: "&").utf8)
        return try await fetch(request)
    }

    private static func fetch(_ request: URLRequest) async throws -> Data {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure.providerUnavailable
        }
        guard let http = response as? HTTPURLResponse, data.count <= 1 << 20 else { throw Failure.providerUnavailable }
        guard (200..<300).contains(http.statusCode) else {
            throw Failure.refusedByProvider("HTTP \(http.statusCode)")
        }
        return data
    }
}
