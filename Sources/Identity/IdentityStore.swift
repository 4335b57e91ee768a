import SQLKit

/// Storage of people, organisations, agencies and places; `SQLIdentityStore` is the real one.
public protocol IdentityStore: Sendable {
    /// Stores a new person, with an account when `passwordHash` is given, and its ledger entry,
    /// in one transaction; returns the ledger index. Throws `DomainError.conflict` when the PIN is taken.
    func insert(_ person: Person, passwordHash: String?, now: Int, by actor: LedgerActor) async throws -> Int?
    func person(pin: String) async throws -> Person?
    /// The people among `pins` that are known, on the caller's transaction (for names and contacts
    /// other modules print or send to).
    func people(pins: [String], on sql: any SQLDatabase) async throws -> [Person]
    /// The PINs of `agency`'s officials holding at least one of `roles`, in PIN order, on the
    /// caller's transaction (the workflow assigns cases among them).
    func officials(of agency: String, holding roles: [String], on sql: any SQLDatabase) async throws -> [String]
    /// Stores a new organisation and, when given, the person who represents it, with its ledger entry.
    func insert(
        _ organisation: Organisation, representative: String?, capacity: String, now: Int, by actor: LedgerActor
    ) async throws -> Int?
    func organisation(inn: String) async throws -> Organisation?
    func organisations(representedBy pin: String) async throws -> [Organisation]
    func post(of pin: String) async throws -> OfficialPost?
    func agencies() async throws -> [Agency]
    func regions() async throws -> [Region]
}

/// Storage of passwords, sessions and failed sign-ins.
public protocol CredentialStore: Sendable {
    func passwordHash(pin: String) async throws -> String?
    /// The account's level of assurance (low when it has none recorded).
    func assurance(pin: String) async throws -> Assurance
    /// Raises (or sets) the account's level, with its ledger entry in the same transaction.
    func setAssurance(_ level: Assurance, pin: String, how: String, now: Int, by actor: LedgerActor) async throws
    /// The same on the caller's transaction.
    func setAssurance(
        _ level: Assurance, pin: String, how: String, now: Int, by actor: LedgerActor, on sql: any SQLDatabase
    ) async throws
    func setPasswordHash(_ hash: String, pin: String, now: Int) async throws
    /// The largest number of failures recorded since `since` under any of `keys`.
    func failures(keys: [String], since: Int) async throws -> Int
    func recordFailure(keys: [String], at: Int, forgetBefore: Int) async throws
    func clearFailures(key: String) async throws
    /// Stores a session; an incomplete one (`complete` false) still waits for its second factor.
    func insertSession(tokenHash: String, pin: String, now: Int, expiresAt: Int, complete: Bool) async throws
    /// The PIN of a live session that is `complete` (or that waits for its second factor), or nil
    /// when unknown or expired.
    func sessionOwner(tokenHash: String, now: Int, complete: Bool) async throws -> String?
    func deleteSession(tokenHash: String) async throws
    func deleteSessions(pin: String) async throws

    /// The account's authenticator secret, the one offered during enrolment, and the last step used.
    func authenticator(pin: String) async throws -> (secret: String?, pending: String?, lastStep: Int)
    /// Remembers the secret offered to the person until they confirm it with a code.
    func offerAuthenticator(secret: String, pin: String) async throws
    /// Makes the offered secret the account's, replaces its recovery codes (digests), with a ledger entry.
    func enableAuthenticator(
        secret: String, recoveryDigests: [String], step: Int, pin: String, now: Int, by actor: LedgerActor
    ) async throws
    /// Records `step` as used when it is later than the last one used; false when it is not (a replay).
    func useAuthenticatorStep(_ step: Int, pin: String) async throws -> Bool
    /// Marks an unused recovery code (by digest) used; false when there is no such unused code.
    func useRecoveryCode(digest: String, pin: String, now: Int) async throws -> Bool

    /// When the account's current activation code was made, on the caller's transaction.
    func activationCreatedAt(pin: String, on sql: any SQLDatabase) async throws -> Int?
    /// Stores a new activation code (digest) for the account, replacing an earlier one.
    func putActivationCode(
        digest: String, sentTo: String, expiresAt: Int, now: Int, pin: String, on sql: any SQLDatabase
    ) async throws
    /// The account's pending activation code: where it was sent and until when it holds.
    func pendingActivation(pin: String, now: Int) async throws -> (sentTo: String, expiresAt: Int)?
    /// Checks a code against the pending one: on a match the code is spent and the account raised to
    /// substantial with its ledger entry; otherwise the attempt is counted.
    func confirmActivation(digest: String, pin: String, now: Int, maxAttempts: Int) async throws
        -> ActivationCheck
}

/// What checking an activation code came to.
public enum ActivationCheck: Sendable, Equatable {
    case confirmed
    case wrong
    case expired
    case tooManyAttempts
}

/// Storage of API clients; only a digest of each token is kept.
public protocol APIClientStore: Sendable {
    /// Stores a client issued by the administrator `by` (a PIN), with its ledger entry.
    func insert(_ client: APIClient, tokenHash: String, by administrator: String) async throws
    func all() async throws -> [APIClient]
    func client(tokenHash: String) async throws -> APIClient?
    /// Marks the client revoked, with a ledger entry; false when there is no such live client.
    func revoke(id: String, at: Int, by administrator: String) async throws -> Bool
}

/// Who is whose relative, as the civil registry records it. Officials are never assigned a case of
/// their own or of a relative (conflicts of interest), and a parent may apply for their child.
/// The registries implement it; other modules call it on their own transaction.
public protocol Kinship: Sendable {
    /// Each of `pins` with the people recorded as related to them (either direction, any kind).
    func relatives(of pins: [String], on sql: any SQLDatabase) async throws -> [String: Set<String>]
    /// Whether `parent` is recorded as a parent of `child`.
    func isParent(_ parent: String, of child: String, on sql: any SQLDatabase) async throws -> Bool
    /// Records `parent` as a parent of `child` (once; recording it again changes nothing).
    func recordParent(_ parent: String, of child: String, on sql: any SQLDatabase) async throws
}
