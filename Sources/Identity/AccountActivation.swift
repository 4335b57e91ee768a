import Core
import Foundation
import SQLKit
import Storage

/// A person as the population register holds them, as far as confirming an account needs.
public struct RegisterEntry: Sendable, Equatable {
    public var familyName: String
    public var givenName: String
    /// Empty when the register holds no phone number.
    public var phone: String
    /// Where the person lives (a district code); empty when the register does not say.
    public var districtCode: String

    public init(familyName: String, givenName: String, phone: String, districtCode: String = "") {
        self.familyName = familyName
        self.givenName = givenName
        self.phone = phone
        self.districtCode = districtCode
    }
}

/// The population register as account confirmation reads it: the phone an activation code goes
/// to (never one the person typed), and the names a registrar compares with a passport. The
/// registries implement it; every read is logged for the person with its purpose.
public protocol PopulationRegister: Sendable {
    /// The person `pin` as the register holds them, read by `agency`'s `system` for `purpose`;
    /// nil when the register has no such person.
    func entry(of pin: String, purpose: String, agency: String, system: String, on sql: any SQLDatabase, now: Int)
        async throws -> RegisterEntry?
}

/// Raises an account registered online: to *substantial* with a six-digit code that goes by SMS to
/// the phone the population register holds and is typed back within ten minutes; to *high* by a
/// registrar who has checked the person's passport against the register.
public struct AccountActivation: Sendable {
    let database: Database
    let credentials: any CredentialStore
    let register: any PopulationRegister
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
        database: Database, credentials: any CredentialStore, register: any PopulationRegister, clock: Clock
    ) {
        self.database = database
        self.credentials = credentials
        self.register = register
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
        let register = self.register
        let outbox = self.outbox
        return try await database.transaction { sql in
            if let last = try await credentials.activationCreatedAt(pin: pin, on: sql), now - last < Self.resendSeconds
            {
                throw Failure.tooSoon
            }
            guard
                let phone = try await register.entry(
                    of: pin, purpose: PlatformPurpose.activationCode.legalBasis, agency: "SRS",
                    system: "portal", on: sql, now: now)?.phone, !phone.isEmpty
            else {
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

    /// What a registrar types from a passport.
    public struct PassportCheck: Sendable {
        public var pin: String
        public var familyName: String
        public var givenName: String
        public var documentNumber: String
        /// The registrar confirms they saw the document and its photograph is of the person.
        public var seen: Bool

        public init(pin: String, familyName: String, givenName: String, documentNumber: String, seen: Bool) {
            self.pin = pin
            self.familyName = familyName
            self.givenName = givenName
            self.documentNumber = documentNumber
            self.seen = seen
        }
    }

    /// A registrar's confirmation: the names typed from the passport must be the register's; the
    /// account becomes *high*, with a ledger entry naming the registrar (by pseudonym) and a digest
    /// of the document number. Throws `ValidationError` naming each field at fault; changes nothing then.
    public func confirmInPerson(_ check: PassportCheck, by registrar: Principal) async throws {
        guard AccessPolicy.permissions(of: registrar).contains(.confirmAccounts),
            let agency = registrar.post?.agencyCode
        else { throw DomainError.forbidden }
        var errors: [FieldError] = []
        let pin = check.pin.filter { !$0.isWhitespace }
        do { _ = try PIN(pin) } catch { errors += error.fields }
        let number = check.documentNumber.uppercased().filter { !$0.isWhitespace }
        if !(6...12).contains(number.count) || !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            errors.append(FieldError(field: "documentNumber", messageKey: "error_document_number"))
        }
        if !check.seen { errors.append(FieldError(field: "seen", messageKey: "error_document_not_seen")) }
        if pin == registrar.pin { errors.append(FieldError(field: "pin", messageKey: "error_own_account")) }
        guard errors.isEmpty else { throw ValidationError(errors) }
        guard try await credentials.passwordHash(pin: pin) != nil else {
            throw ValidationError(field: "pin", messageKey: "error_no_account")
        }
        let now = clock.seconds
        let register = self.register
        let credentials = self.credentials
        try await database.transaction { sql in
            guard
                let entry = try await register.entry(
                    of: pin, purpose: PlatformPurpose.identityChecked.legalBasis, agency: agency,
                    system: "registrar", on: sql, now: now)
            else { throw ValidationError(field: "pin", messageKey: "error_not_in_register") }
            var mismatches: [FieldError] = []
            if !Self.sameName(entry.familyName, check.familyName) {
                mismatches.append(FieldError(field: "familyName", messageKey: "error_name_mismatch"))
            }
            if !Self.sameName(entry.givenName, check.givenName) {
                mismatches.append(FieldError(field: "givenName", messageKey: "error_name_mismatch"))
            }
            guard mismatches.isEmpty else { throw ValidationError(mismatches) }
            try await credentials.setAssurance(
                .high, pin: pin, how: "registrar:" + Secrets.digest(of: "passport:" + number), now: now,
                by: .person(registrar.pin), on: sql)
        }
    }

    /// Names compare without regard to case and surrounding spaces.
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespaces).lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func digest(_ code: String, pin: String) -> String { Secrets.digest(of: "activation:\(pin):\(code)") }

    /// `+996 555 100 417` as `+996 *** *** 417`: enough for the person to recognise their number.
    static func mask(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber)
        guard digits.count > 6 else { return "***" }
        return "+" + digits.prefix(3) + " *** *** " + digits.suffix(3)
    }
}
