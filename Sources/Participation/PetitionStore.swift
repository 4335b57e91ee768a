import Ledger

/// Where petitions and signatures live; `SQLPetitionStore` is the one implementation.
public protocol PetitionStore: Sendable {
    /// Stores a new petition with its signer key and appends `event`, in one transaction; throws
    /// `ParticipationError.tooMany` when `authorKey` started `limit.count` petitions since `limit.since`.
    func insert(
        _ petition: Petition, signerKey: String, authorKey: String, limit: (count: Int, since: Int), event: LedgerEvent
    ) async throws
    /// Adds `sponsor` (a pseudonym) to a petition gathering co-sponsors and appends `event`; when it
    /// has `needed`, the petition goes to moderation and `submitted` is appended too. The number of
    /// co-sponsors after, or nil if the petition is not gathering them.
    func sponsor(
        _ petitionID: String, sponsor: String, needed: Int, now: Int, event: LedgerEvent, submitted: LedgerEvent
    ) async throws -> Int?
    /// Moves a petition from `from` to `to` with the moderator's `reason` (and a new `deadline` when
    /// it opens) and appends `event`; false if it was not in `from`.
    func moderate(
        _ petitionID: String, from: Petition.Status, to: Petition.Status, reason: ModerationReason?, deadline: Int?,
        event: LedgerEvent
    ) async throws -> Bool
    /// Petitions waiting for a moderator, oldest first.
    func awaitingModeration(limit: Int) async throws -> [Petition]
    /// A petition and the key its signers' pseudonyms are made with.
    func petition(_ id: String) async throws -> (petition: Petition, signerKey: String)?
    /// Counts a signature once: stores it, appends `event`, adds one to the petition and, the first
    /// time the count reaches the threshold, marks the duty and appends `duty(total)`, all in one
    /// transaction. Nil if the petition is not open at `now`.
    func sign(
        _ petitionID: String, signer: String, region: String, district: String, now: Int, event: LedgerEvent,
        duty: @escaping @Sendable (Int) throws -> LedgerEvent
    ) async throws -> SignatureOutcome?
    /// Removes a signature and appends `event`; the new total, or nil if there was none to remove
    /// (or the petition is not open).
    func withdraw(_ petitionID: String, signer: String, now: Int, event: LedgerEvent) async throws -> Int?
    /// Petitions open for signatures or closed, newest first (not those still gathering sponsors,
    /// waiting for moderation, rejected or hidden).
    func petitions(limit: Int) async throws -> [Petition]
    /// Whether `signer` (a pseudonym) has a counted signature on the petition.
    func hasSigned(_ petitionID: String, signer: String) async throws -> Bool
    /// Signatures by region and district.
    func counts(_ petitionID: String) async throws -> [(region: String, district: String, signatures: Int)]
}
