import Core
import Identity

/// One version of one record, as stored.
public struct RegistryRecord: Sendable, Equatable {
    public var registry: String
    /// The value of the schema's key field.
    public var key: String
    /// 1 when created, one more with every change (deletion included).
    public var revision: Int
    /// The schema version it was written under.
    public var schemaVersion: Int
    public var content: RecordContent
    public var deleted: Bool
    /// Seconds since 1970.
    public var changedAt: Int
    /// Who wrote this version: `official:<PIN>`, `system:<client id>` or `import:<id>`.
    public var changedBy: String
    /// Why, as the writer stated it.
    public var reason: String
    /// The ledger entry that recorded this version.
    public var ledgerIndex: Int?

    public init(registry: String, key: String, revision: Int, schemaVersion: Int, content: RecordContent, deleted: Bool,
                changedAt: Int, changedBy: String, reason: String, ledgerIndex: Int?) {
        self.registry = registry
        self.key = key
        self.revision = revision
        self.schemaVersion = schemaVersion
        self.content = content
        self.deleted = deleted
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.reason = reason
        self.ledgerIndex = ledgerIndex
    }
}

/// Why someone reads a person's data: the law that allows it and, usually, the case it serves.
public struct Purpose: Sendable, Equatable, Codable {
    /// The legal basis, e.g. "Law on State Registration, art. 12".
    public var legalBasis: String
    /// The case or application number the read serves, if any.
    public var caseNumber: String

    /// Trims and checks both; a missing legal basis is refused with `error_purpose_required`.
    public init(legalBasis: String, caseNumber: String = "") throws(ValidationError) {
        let basis = legalBasis.trimmingCharacters(in: .whitespacesAndNewlines)
        let number = caseNumber.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldError] = []
        if basis.count < 3 { problems.append(FieldError(field: "purpose", messageKey: "error_purpose_required")) }
        if basis.count > 300 { problems.append(FieldError(field: "purpose", messageKey: "error_too_long")) }
        if number.count > 100 { problems.append(FieldError(field: "caseNumber", messageKey: "error_too_long")) }
        guard problems.isEmpty else { throw ValidationError(problems) }
        self.legalBasis = basis
        self.caseNumber = number
    }
}

/// Who is calling the registries: an official in the portal or another agency's system.
public enum RegistryCaller: Sendable {
    /// A signed-in official; their agency's rights apply.
    case official(Principal)
    /// An API client; `application` is the calling system as the Information Mediator names it
    /// (`INSTANCE/CLASS/MEMBER/SUBSYSTEM`).
    case system(APIClient, application: String)

    /// The agency whose rights apply, if any.
    public var agencyCode: String? {
        switch self {
        case .official(let principal): principal.post?.agencyCode
        case .system(let client, _): client.agencyCode
        }
    }

    /// How the caller is written in a record's history.
    public var reference: String {
        switch self {
        case .official(let principal): "official:\(principal.pin)"
        case .system(let client, _): "system:\(client.id)"
        }
    }
}

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

    /// What the ledger entry's `details` digest is computed over: recompute its SHA-256 to
    /// check that this row and the ledger entry tell the same story.
    public var ledgerDetails: [String: String] {
        ["access": id, "registry": registry, "record": recordKey, "agency": agencyCode, "application": application,
         "legalBasis": legalBasis, "caseNumber": caseNumber]
    }
}

/// A page of records from a search.
public struct RecordPage: Sendable {
    public var records: [RegistryRecord]
    /// How many records match in all.
    public var total: Int
    public var page: Int
    public var pageSize: Int
}

/// How to search: exact values of indexed fields, an optional prefix on one, a page.
public struct RecordQuery: Sendable, Equatable {
    public var equals: [String: String] = [:]
    public var prefix: (field: String, text: String)?
    public var page = 1
    public var pageSize = 20
    public var descending = false

    public init(equals: [String: String] = [:], prefix: (field: String, text: String)? = nil, page: Int = 1, pageSize: Int = 20, descending: Bool = false) {
        self.equals = equals
        self.prefix = prefix
        self.page = page
        self.pageSize = pageSize
        self.descending = descending
    }

    public static func == (a: RecordQuery, b: RecordQuery) -> Bool {
        a.equals == b.equals && a.prefix?.field == b.prefix?.field && a.prefix?.text == b.prefix?.text && a.page == b.page && a.pageSize == b.pageSize && a.descending == b.descending
    }
}
