import Core
import SQLKit
import Storage

/// Where a person is reached: a mobile phone (SMS) or an e-mail address.
public enum ContactChannel: String, Sendable, CaseIterable {
    case phone, email
}

/// A new phone or e-mail that waits for the code sent to it.
public struct PendingContactChange: Sendable, Equatable {
    public var pin: String
    public var channel: ContactChannel
    public var value: String
    public var expiresAt: Int
    public var createdAt: Int
}

/// Storage of contact changes (see `SQLIdentityStore+Contact`).
public protocol ContactStore: Sendable {
    func contactChangeCreatedAt(pin: String, on sql: any SQLDatabase) async throws -> Int?
    func putContactChange(_ change: PendingContactChange, digest: String, on sql: any SQLDatabase) async throws
    func pendingContactChange(pin: String, now: Int) async throws -> PendingContactChange?
    /// Checks the code; on a match the new value replaces the old one, with its ledger entry.
    func confirmContactChange(digest: String, pin: String, now: Int, maxAttempts: Int) async throws
        -> (ActivationCheck, ContactChannel?)
}

/// Changes a person's phone or e-mail only once a code sent to the *new* one is typed back, so an
/// account cannot be pointed at somebody else's phone. Ten minutes, five tries, a new code after a
/// minute; the message goes through the outbox.
public struct ContactChange: Sendable {
    let database: Database
    let store: any ContactStore
    let outbox: OutboxStore
    let clock: Clock

    public init(database: Database, store: any ContactStore, clock: Clock) {
        self.database = database
        self.store = store
        self.outbox = OutboxStore(database: database, clock: clock)
        self.clock = clock
    }

    /// A phone as the platform keeps it, `+996 XXX XXX XXX`, from what a person types (spaces,
    /// dashes and a leading 0 forgiven); nil when it is not a Kyrgyz mobile number.
    public static func phone(_ typed: String) -> String? {
        var digits = typed.filter(\.isNumber)
        guard typed.allSatisfy({ $0.isNumber || " +-()".contains($0) }) else { return nil }
        if digits.hasPrefix("0") && digits.count == 10 { digits = "996" + digits.dropFirst() }
        guard digits.count == 12, digits.hasPrefix("996") else { return nil }
        let d = Array(digits)
        return "+996 \(String(d[3..<6])) \(String(d[6..<9])) \(String(d[9..<12]))"
    }

    /// An e-mail address, lower-cased, when it looks like one (one @, a dot in the domain, at most 254).
    public static func email(_ typed: String) -> String? {
        let text = typed.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            text.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>\"'(),;:\\[]".contains($0) })
        else { return nil }
        return text
    }

    /// Sends a code, in `language`, to the new `value`; throws `ValidationError` on the field when
    /// the value is not a phone or e-mail, `AccountActivation.Failure.tooSoon` within a minute.
    public func request(pin: String, channel: ContactChannel, value typed: String, language: Language)
        async throws -> PendingContactChange
    {
        let normalised = channel == .phone ? Self.phone(typed) : Self.email(typed)
        guard let value = normalised else {
            throw ValidationError(field: "value", messageKey: channel == .phone ? "error_phone" : "error_email")
        }
        let now = clock.seconds
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        let change = PendingContactChange(
            pin: pin, channel: channel, value: value, expiresAt: now + AccountActivation.lifetimeSeconds, createdAt: now
        )
        let store = self.store
        let outbox = self.outbox
        try await database.transaction { sql in
            if let last = try await store.contactChangeCreatedAt(pin: pin, on: sql),
                now - last < AccountActivation.resendSeconds
            {
                throw AccountActivation.Failure.tooSoon
            }
            try await store.putContactChange(change, digest: Self.digest(code, pin: pin), on: sql)
            let text = Catalog.shipped.text("message_contact_code", language).replacingOccurrences(
                of: "{code}", with: code)
            try await outbox.enqueue(
                [
                    OutboxMessage(
                        id: "contact:\(pin):\(now)", channel: channel == .phone ? "sms" : "email", recipient: value,
                        subject: channel == .email ? Catalog.shipped.text("message_contact_subject", language) : "",
                        body: text, createdAt: now)
                ], on: sql)
        }
        return change
    }

    /// The change waiting for its code, if any.
    public func pending(pin: String) async throws -> PendingContactChange? {
        try await store.pendingContactChange(pin: pin, now: clock.seconds)
    }

    /// Checks the code typed back; on a match the new value is the person's from now on.
    @discardableResult
    public func confirm(pin: String, code: String) async throws -> ContactChannel {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AccountActivation.Failure.malformed
        }
        let (check, channel) = try await store.confirmContactChange(
            digest: Self.digest(digits, pin: pin), pin: pin, now: clock.seconds,
            maxAttempts: AccountActivation.maxAttempts)
        switch check {
        case .confirmed: return channel ?? .phone
        case .wrong: throw AccountActivation.Failure.wrong
        case .expired: throw AccountActivation.Failure.expired
        case .tooManyAttempts: throw AccountActivation.Failure.tooManyAttempts
        }
    }

    static func digest(_ code: String, pin: String) -> String { Secrets.digest(of: "contact:\(pin):\(code)") }
}
