import Ledger

/// Where petitions and signatures live; `SQLPetitionStore` is the one implementation.
public protocol PetitionStore: Sendable {
    /// Stores a new petition with its signer key and appends `event`, in one transaction.
    func insert(_ petition: Petition, signerKey: String, event: LedgerEvent) async throws
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
    /// Petitions people can see (not hidden), newest first.
    func petitions(limit: Int) async throws -> [Petition]
    /// Whether `signer` (a pseudonym) has a counted signature on the petition.
    func hasSigned(_ petitionID: String, signer: String) async throws -> Bool
    /// Signatures by region and district.
    func counts(_ petitionID: String) async throws -> [(region: String, district: String, signatures: Int)]
}
