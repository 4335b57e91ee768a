import Core
import Foundation

/// Sign-in with PIN and password, database sessions, sign-out (here or everywhere), throttling.
///
/// Every failure looks the same to the caller, whether the account exists or not, and takes
/// about as long: an unknown account is checked against a dummy hash.
public struct AuthenticationService: Sendable {
    let identities: any IdentityStore
    let credentials: any CredentialStore
    let passwords: PasswordHasher
    let policy: Policy

    /// Limits for throttling and session lifetime.
    public struct Policy: Sendable {
        public var attemptsPerWindow: Int
        public var windowSeconds: Int
        public var sessionLifetimeSeconds: Int

        public init(attemptsPerWindow: Int = 5, windowSeconds: Int = 900, sessionLifetimeSeconds: Int = 8 * 3600) {
            self.attemptsPerWindow = attemptsPerWindow
            self.windowSeconds = windowSeconds
            self.sessionLifetimeSeconds = sessionLifetimeSeconds
        }
    }

    /// Why a sign-in did not succeed. Deliberately does not say whether the account exists.
    public enum Failure: Error, Equatable {
        /// Wrong PIN or password, or no such account.
        case rejected
        /// Too many failures for this account or address; try again later.
        case throttled(retryAfterSeconds: Int)
    }

    /// Where session expiry and sign-in throttling read the time.
    let clock: Clock

    public init(
        identities: any IdentityStore, credentials: any CredentialStore, passwords: PasswordHasher, policy: Policy,
        clock: Clock
    ) {
        self.clock = clock
        self.identities = identities
        self.credentials = credentials
        self.passwords = passwords
        self.policy = policy
    }

    /// Checks the password and opens a session; returns the session token to put in a cookie.
    public func signIn(login: String, password: String, address: String) async throws -> String {
        let now = clock.seconds
        let pin = login.filter { !$0.isWhitespace }
        let keys = ["account:" + Secrets.digest(of: pin), "address:" + address]
        if try await credentials.failures(keys: keys, since: now - policy.windowSeconds) >= policy.attemptsPerWindow {
            throw Failure.throttled(retryAfterSeconds: policy.windowSeconds)
        }
        let stored = try await credentials.passwordHash(pin: pin)
        let matches = await passwords.verify(password, hash: stored ?? passwords.dummyHash)
        guard stored != nil, matches else {
            try await credentials.recordFailure(keys: keys, at: now, forgetBefore: now - policy.windowSeconds)
            throw Failure.rejected
        }
        try await credentials.clearFailures(key: keys[0])
        let token = Secrets.token()
        try await credentials.insertSession(
            tokenHash: Secrets.digest(of: token), pin: pin, now: now, expiresAt: now + policy.sessionLifetimeSeconds)
        return token
    }

    /// The person behind a session token, or nil when it is unknown or expired.
    public func principal(sessionToken token: String) async throws -> Principal? {
        let now = clock.seconds
        guard let pin = try await credentials.sessionOwner(tokenHash: Secrets.digest(of: token), now: now),
            let person = try await identities.person(pin: pin)
        else { return nil }
        return Principal(pin: pin, displayName: person.fullName, post: try await identities.post(of: pin))
    }

    /// Ends this one session.
    public func signOut(sessionToken token: String) async throws {
        try await credentials.deleteSession(tokenHash: Secrets.digest(of: token))
    }

    /// Ends every session of the person, on every device and node.
    public func signOutEverywhere(pin: String) async throws {
        try await credentials.deleteSessions(pin: pin)
    }
}
