import Core
import Foundation

/// The second factor officials and administrators give after their password: a code from an
/// authenticator app (TOTP, RFC 6238) or one of ten single-use recovery codes.
public enum SecondFactor {
    /// What a session that waits for its second factor must do next.
    public enum Step: String, Sendable, Equatable {
        /// Give a code from the authenticator app (or a recovery code).
        case code
        /// Set the authenticator up first: no secret is recorded for the account yet.
        case enrol
    }

    /// The authenticator secret of every demo official, printed by `serve` beside the demo password;
    /// never valid outside the demo.
    public static let demoSecret = "TAZAKOOMDEMOSECONDFACTORDEMOKEYS"
    /// How long a password-checked session may wait for its second factor.
    public static let pendingLifetimeSeconds = 600
    /// How many recovery codes an enrolment gives.
    public static let recoveryCodeCount = 10
    /// Steps either side of now whose codes are accepted (clocks of phones drift).
    static let drift = 1

    /// What a code typed by a person is: six digits from the app, or a recovery code.
    enum Entered: Equatable {
        case authenticator(String)
        case recovery(String)
        case malformed
    }

    static func parse(_ text: String) -> Entered {
        let compact = String(text.lowercased().filter { !$0.isWhitespace && $0 != "-" })
        if compact.count == 6, compact.allSatisfy(\.isASCII), compact.allSatisfy(\.isNumber) {
            return .authenticator(compact)
        }
        if compact.count == 10, compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            return .recovery(compact)
        }
        return .malformed
    }

    /// Ten new recovery codes, shown once as `xxxxx-xxxxx`.
    static func newRecoveryCodes() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<recoveryCodeCount).map { _ in
            let text = Base32.encode((0..<7).map { _ in UInt8.random(in: 0...255, using: &generator) }).lowercased()
            let code = text.prefix(10)
            return code.prefix(5) + "-" + code.suffix(5)
        }
    }

    static func recoveryDigest(_ code: String, pin: String) -> String {
        Secrets.digest(of: "recovery:" + pin + ":" + code.lowercased().filter { $0 != "-" })
    }
}

extension AuthenticationService {
    /// Why a second factor was not accepted.
    public enum SecondFactorFailure: Error, Equatable {
        /// No session waits for a second factor (it expired, or none was started): sign in again.
        case noPendingSession
        /// The code is not six digits nor a recovery code.
        case malformed
        /// Wrong, already used, or from too long ago.
        case rejected
        /// Too many wrong codes for this account; try again later.
        case throttled(retryAfterSeconds: Int)
    }

    /// The account behind a session that waits for its second factor, and what it must do next.
    public func pendingSecondFactor(sessionToken token: String) async throws -> (pin: String, step: SecondFactor.Step)?
    {
        guard
            let pin = try await credentials.sessionOwner(
                tokenHash: Secrets.digest(of: token), now: clock.seconds, complete: false)
        else { return nil }
        return (pin, try await credentials.authenticator(pin: pin).secret == nil ? .enrol : .code)
    }

    /// Checks the code of a waiting session; on success the waiting session is replaced by a full
    /// one, whose token is returned (a new token, as for every change of privilege).
    public func completeSecondFactor(sessionToken token: String, code: String) async throws -> String {
        let now = clock.seconds
        guard let (pin, step) = try await pendingSecondFactor(sessionToken: token), step == .code else {
            throw SecondFactorFailure.noPendingSession
        }
        let key = try await checkedThrottle(pin: pin, now: now)
        let secret = try await credentials.authenticator(pin: pin).secret.flatMap(Base32.decode) ?? []
        let accepted: Bool
        switch SecondFactor.parse(code) {
        case .malformed: throw SecondFactorFailure.malformed
        case .authenticator(let digits):
            accepted = try await useMatchingStep(digits, secret: secret, pin: pin, now: now)
        case .recovery(let recovery):
            accepted = try await credentials.useRecoveryCode(
                digest: SecondFactor.recoveryDigest(recovery, pin: pin), pin: pin, now: now)
        }
        guard accepted else {
            try await credentials.recordFailure(keys: [key], at: now, forgetBefore: now - policy.windowSeconds)
            throw SecondFactorFailure.rejected
        }
        try await credentials.clearFailures(key: key)
        return try await replaceWithFullSession(token, pin: pin, now: now)
    }

    /// The secret to set up in an authenticator app (the same one until it is confirmed), with its
    /// `otpauth://` address; for a waiting session whose account has none yet.
    public func offerAuthenticator(sessionToken token: String) async throws -> (secret: String, uri: String) {
        guard let (pin, step) = try await pendingSecondFactor(sessionToken: token), step == .enrol else {
            throw SecondFactorFailure.noPendingSession
        }
        var secret = try await credentials.authenticator(pin: pin).pending
        if secret == nil {
            secret = TOTP.newSecret()
            try await credentials.offerAuthenticator(secret: secret!, pin: pin)
        }
        return (secret!, TOTP.provisioningURI(secret: secret!, account: pin, issuer: "Taza Koom"))
    }

    /// Confirms the offered secret with a code from the app: the account gets it and ten recovery
    /// codes (returned, shown once), the waiting session becomes a full one (its new token returned).
    public func enrolAuthenticator(sessionToken token: String, code: String) async throws -> (
        token: String, recoveryCodes: [String]
    ) {
        let now = clock.seconds
        guard let (pin, step) = try await pendingSecondFactor(sessionToken: token), step == .enrol,
            let offered = try await credentials.authenticator(pin: pin).pending
        else { throw SecondFactorFailure.noPendingSession }
        let key = try await checkedThrottle(pin: pin, now: now)
        guard case .authenticator(let digits) = SecondFactor.parse(code) else { throw SecondFactorFailure.malformed }
        let secret = Base32.decode(offered) ?? []
        let current = TOTP.step(at: now)
        guard
            let step = (current - SecondFactor.drift...current + SecondFactor.drift).first(where: {
                Secrets.constantTimeEquals(TOTP.code(secret: secret, step: $0), digits)
            })
        else {
            try await credentials.recordFailure(keys: [key], at: now, forgetBefore: now - policy.windowSeconds)
            throw SecondFactorFailure.rejected
        }
        let codes = SecondFactor.newRecoveryCodes()
        try await credentials.enableAuthenticator(
            secret: offered, recoveryDigests: codes.map { SecondFactor.recoveryDigest($0, pin: pin) }, step: step,
            pin: pin, now: now, by: .subjectThemself)
        try await credentials.clearFailures(key: key)
        return (try await replaceWithFullSession(token, pin: pin, now: now), codes)
    }

    /// The throttling key of the account's second factor, or `throttled` when it has failed too often.
    private func checkedThrottle(pin: String, now: Int) async throws -> String {
        let key = "second-factor:" + Secrets.digest(of: pin)
        if try await credentials.failures(keys: [key], since: now - policy.windowSeconds) >= policy.attemptsPerWindow {
            throw SecondFactorFailure.throttled(retryAfterSeconds: policy.windowSeconds)
        }
        return key
    }

    /// Accepts a code of a step near now that is later than the last one used, so a code seen over
    /// someone's shoulder cannot be used again.
    private func useMatchingStep(_ digits: String, secret: [UInt8], pin: String, now: Int) async throws -> Bool {
        let current = TOTP.step(at: now)
        for step in current - SecondFactor.drift...current + SecondFactor.drift
        where Secrets.constantTimeEquals(TOTP.code(secret: secret, step: step), digits) {
            return try await credentials.useAuthenticatorStep(step, pin: pin)
        }
        return false
    }

    private func replaceWithFullSession(_ token: String, pin: String, now: Int) async throws -> String {
        try await credentials.deleteSession(tokenHash: Secrets.digest(of: token))
        let full = Secrets.token()
        try await credentials.insertSession(
            tokenHash: Secrets.digest(of: full), pin: pin, now: now, expiresAt: now + policy.sessionLifetimeSeconds,
            complete: true)
        return full
    }
}
