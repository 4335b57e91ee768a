import Core
import Identity

/// One read of a person's data, as the person sees it in "Who looked at my data".
public struct DataAccess: Sendable, Equatable, Codable {
    public var id: String
    /// PIN of the person whose data was read.
    public var personPIN: String
    public var registry: String
    public var recordKey: String
    /// `official` or `system`.
    public var readerKind: String
    /// The official's PIN or the system's client id.
    public var readerID: String
    /// The official's name, or the system's name.
    public var readerName: String
    public var agencyCode: String
    /// The calling system as the Information Mediator names it; empty for the portal.
    public var application: String
    public var legalBasis: String
    public var caseNumber: String
    /// Seconds since 1970.
    public var at: Int
    /// The ledger entry that proves this read happened.
    public var ledgerIndex: Int?

    /// A fresh id for a log line (96 random bits, hex).
    public static func newID() -> String { Hex.encode(Secrets.randomBytes(12)) }

    public init(
        id: String, personPIN: String, registry: String, recordKey: String, readerKind: String, readerID: String,
        readerName: String,
        agencyCode: String, application: String, legalBasis: String, caseNumber: String, at: Int,
        ledgerIndex: Int? = nil
    ) {
        self.id = id
        self.personPIN = personPIN
        self.registry = registry
        self.recordKey = recordKey
        self.readerKind = readerKind
        self.readerID = readerID
        self.readerName = readerName
        self.agencyCode = agencyCode
        self.application = application
        self.legalBasis = legalBasis
        self.caseNumber = caseNumber
        self.at = at
        self.ledgerIndex = ledgerIndex
    }

    /// What the ledger entry's `details` digest is computed over: recompute its SHA-256 to
    /// check that this row and the ledger entry tell the same story.
    public var ledgerDetails: [String: String] {
        [
            "access": id, "registry": registry, "record": recordKey, "agency": agencyCode, "application": application,
            "legalBasis": legalBasis, "caseNumber": caseNumber,
        ]
    }
}
