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

    /// A password that was right: the session token to put in a cookie and, for officials and
    /// administrators, the second factor still to give before the session counts.
    public struct SignedIn: Sendable, Equatable {
        public var token: String
        public var secondFactor: SecondFactor.Step?
    }

    /// Checks the password and opens a session; an official's session waits for their second factor.
    public func signIn(login: String, password: String, address: String) async throws -> SignedIn {
        let now = clock.seconds
        let pin = login.filter { !$0.isWhitespace }
        let account = "account:" + Secrets.digest(of: pin)
        let pair = "pair:" + Secrets.digest(of: pin + "|" + address)
        let keys = [account, pair]
        if let wait = try await throttle(account: account, pair: pair, now: now) {
            throw Failure.throttled(retryAfterSeconds: wait)
        }
        let stored = try await credentials.passwordHash(pin: pin)
        let matches = await passwords.verify(password, hash: stored ?? passwords.dummyHash)
        guard stored != nil, matches else {
            try await credentials.recordFailure(keys: keys, at: now, forgetBefore: now - policy.windowSeconds)
            throw Failure.rejected
        }
        try await credentials.clearFailures(key: keys[0])
        return try await openSession(pin: pin)
    }

    /// Opens a session for `pin`, whose first factor was checked (a password, a national
    /// identification provider); an official's session waits for their second factor.
    public func openSession(pin: String) async throws -> SignedIn {
        let now = clock.seconds
        var step: SecondFactor.Step?
        if try await identities.post(of: pin) != nil {
            step = try await credentials.authenticator(pin: pin).secret == nil ? .enrol : .code
        }
        let token = Secrets.token()
        try await credentials.insertSession(
            tokenHash: Secrets.digest(of: token), pin: pin, now: now,
            expiresAt: now + (step == nil ? policy.sessionLifetimeSeconds : SecondFactor.pendingLifetimeSeconds),
            complete: step == nil)
        return SignedIn(token: token, secondFactor: step)
    }

    /// How long this attempt must wait, or nil when it may go ahead. Guessing is slowed where it
    /// happens, and nobody is locked out for what others did:
    /// - one address guessing one account is stopped for the rest of the window after
    ///   `attemptsPerWindow` failures;
    /// - an account guessed from many addresses makes every attempt on it wait a delay that doubles
    ///   with each further failure (a minute, two, four, … at most the window), counted from the
    ///   last failure, so its owner is slowed for minutes, not shut out;
    /// - an address is never throttled as such: a carrier's shared address may be behind thousands
    ///   of people, so failures for other accounts from it change nothing for the next person.
    func throttle(account: String, pair: String, now: Int) async throws -> Int? {
        let window = policy.windowSeconds
        if try await credentials.failures(keys: [pair], since: now - window) >= policy.attemptsPerWindow {
            return window
        }
        let failures = try await credentials.failures(keys: [account], since: now - window)
        guard failures >= policy.attemptsPerWindow else { return nil }
        let doublings = min(failures - policy.attemptsPerWindow, 20)
        let delay = min(window, 60 << doublings)
        return try await credentials.failures(keys: [account], since: now - delay) > 0 ? delay : nil
    }

    /// The person behind a session token, or nil when it is unknown or expired.
    public func principal(sessionToken token: String) async throws -> Principal? {
        let now = clock.seconds
        guard
            let pin = try await credentials.sessionOwner(
                tokenHash: Secrets.digest(of: token), now: now, complete: true),
            let person = try await identities.person(pin: pin)
        else { return nil }
        return Principal(
            pin: pin, displayName: person.fullName, post: try await identities.post(of: pin),
            assurance: try await credentials.assurance(pin: pin))
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
