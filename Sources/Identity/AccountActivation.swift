import Core
import Foundation
import SQLKit
import Storage

/// Where an activation code goes: the phone number the population register holds for a person
/// (never one the person typed). The registries implement it; the read is logged for the person.
public protocol RegisteredPhones: Sendable {
    /// The person's phone number in the population register, or nil when it holds none.
    func registeredPhone(of pin: String, on sql: any SQLDatabase, now: Int) async throws -> String?
}

/// Raises an account registered online to *substantial*: a six-digit code goes by SMS to the phone
/// the population register holds, and the person types it back within ten minutes.
public struct AccountActivation: Sendable {
    let database: Database
    let credentials: any CredentialStore
    let phones: any RegisteredPhones
    let outbox: OutboxStore
    let clock: Clock

    /// How long a code holds.
    public static let lifetimeSeconds = 600
    /// Wrong codes allowed before a new one must be asked for.
    public static let maxAttempts = 5
    /// The shortest time between two codes for one account (each is an SMS someone pays for).
    public static let resendSeconds = 60

    /// Why a code was not sent or not accepted; `messageKey` names the catalog text.
    public enum Failure: Error, Equatable {
        /// The account is already substantial or high.
        case alreadyConfirmed
        /// The population register holds no phone number: a Public Service Centre can confirm the account.
        case noRegisteredPhone
        /// A code was sent less than a minute ago.
        case tooSoon
        /// The code is not six digits.
        case malformed
        case wrong
        /// No code is pending, or it is older than ten minutes.
        case expired
        case tooManyAttempts

        /// The catalog key of what to tell the person.
        public var messageKey: String {
            switch self {
            case .alreadyConfirmed: "error_already_confirmed"
            case .noRegisteredPhone: "error_no_registered_phone"
            case .tooSoon: "error_code_too_soon"
            case .malformed: "error_code_format"
            case .wrong: "error_code_wrong"
            case .expired: "error_code_expired"
            case .tooManyAttempts: "error_code_attempts"
            }
        }
    }

    public init(
        database: Database, credentials: any CredentialStore, phones: any RegisteredPhones, clock: Clock
    ) {
        self.database = database
        self.credentials = credentials
        self.phones = phones
        self.outbox = OutboxStore(database: database, clock: clock)
        self.clock = clock
    }

    /// Sends a new code, in `language`, to the registered phone; returns where it went, masked.
    @discardableResult
    public func sendCode(pin: String, language: Language) async throws -> String {
        guard try await credentials.assurance(pin: pin) == .low else { throw Failure.alreadyConfirmed }
        let now = clock.seconds
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        let credentials = self.credentials
        let phones = self.phones
        let outbox = self.outbox
        return try await database.transaction { sql in
            if let last = try await credentials.activationCreatedAt(pin: pin, on: sql), now - last < Self.resendSeconds
            {
                throw Failure.tooSoon
            }
            guard let phone = try await phones.registeredPhone(of: pin, on: sql, now: now), !phone.isEmpty else {
                throw Failure.noRegisteredPhone
            }
            let masked = Self.mask(phone)
            try await credentials.putActivationCode(
                digest: Self.digest(code, pin: pin), sentTo: masked, expiresAt: now + Self.lifetimeSeconds, now: now,
                pin: pin, on: sql)
            let text = Catalog.shipped.text("sms_activation_code", language).replacingOccurrences(
                of: "{code}", with: code)
            try await outbox.enqueue(
                [
                    OutboxMessage(
                        id: "activation:\(pin):\(now)", channel: "sms", recipient: phone, subject: "", body: text,
                        createdAt: now)
                ], on: sql)
            return masked
        }
    }

    /// Where the pending code went (masked) and until when it holds, or nil when none is pending.
    public func pending(pin: String) async throws -> (sentTo: String, expiresAt: Int)? {
        try await credentials.pendingActivation(pin: pin, now: clock.seconds)
    }

    /// Checks the code; on a match the account becomes substantial, with its ledger entry.
    public func confirm(pin: String, code: String) async throws {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw Failure.malformed }
        switch try await credentials.confirmActivation(
            digest: Self.digest(digits, pin: pin), pin: pin, now: clock.seconds, maxAttempts: Self.maxAttempts)
        {
        case .confirmed: return
        case .wrong: throw Failure.wrong
        case .expired: throw Failure.expired
        case .tooManyAttempts: throw Failure.tooManyAttempts
        }
    }

    static func digest(_ code: String, pin: String) -> String { Secrets.digest(of: "activation:\(pin):\(code)") }

    /// `+996 555 100 417` as `+996 *** *** 417`: enough for the person to recognise their number.
    static func mask(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber)
        guard digits.count > 6 else { return "***" }
        return "+" + digits.prefix(3) + " *** *** " + digits.suffix(3)
    }
}
