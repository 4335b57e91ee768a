import Core

/// A role an official holds in their agency.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Receives and registers applications.
    case clerk
    /// Examines cases and prepares decisions.
    case specialist
    /// Signs decisions and oversees the agency's work.
    case head
    /// Runs the platform: API clients, registrations.
    case administrator
    /// Checks people's identity documents at a Public Service Centre and confirms their accounts.
    case registrar
}

/// Something a signed-in person may do. Handlers ask for one; only `AccessPolicy` decides.
public enum Permission: String, Sendable, CaseIterable {
    /// See one's own personal cabinet.
    case viewOwnCabinet
    /// Open the back office of one's agency.
    case viewBackOffice
    /// Issue and revoke API clients of other systems.
    case manageAPIClients
    /// Register people and organisations on their behalf.
    case registerOnBehalf
    /// Have the transparency ledger sign a checkpoint now (it also signs on its own schedule).
    case signCheckpoints
    /// Search and read the registries one's agency has a right to (each read of a person is logged).
    case readRegistries
    /// Create, change and delete records in the registries one's agency may write.
    case writeRegistries
    /// Publish process definitions, keep the holiday calendar, use the decision simulator.
    case manageWorkflows
    /// Confirm a person's account at the high level after checking their identity document in person.
    case confirmAccounts
    /// See and run this node of the exchange layer: members' requests, services, rights, traffic.
    case manageExchange
    /// Publish drafts for consultation and answer comments, run participatory budgets and review
    /// their proposals, for one's own agency.
    case runParticipation
    /// Check petitions against the published rules before they open, and handle reports: hide
    /// content (never delete it) with a reason.
    case moderateParticipation
    /// Enter the figures of the programme's indicators one's agency answers for, and import ICT
    /// statistics.
    case manageProgramme
    /// Publish emergency alerts, for an agency authorised to (`AlertService.authorisedAgencies`).
    case publishAlerts
}

/// What an API client (another agency's system) may do, granted when its token is issued.
public enum Scope: String, Sendable, Codable, CaseIterable {
    /// Read people and organisations.
    case identityRead = "identity:read"
    /// Register people and organisations.
    case identityWrite = "identity:write"
    /// Read the registries the client's agency has a right to (GovStack Data API).
    case registryRead = "registry:read"
    /// Write the registries the client's agency may write.
    case registryWrite = "registry:write"
    /// Answer `myPersonalDataUsage` for any person (for the state portal's own back end).
    case dataUsageRead = "datausage:read"
    /// Submit applications for people who applied through the client's system (GovStack Registration API).
    case applicationWrite = "application:write"
    /// Read applications and the agency's open tasks.
    case applicationRead = "application:read"
    /// Publish datasets of the client's agency on the open-data portal (CKAN's write actions).
    case openDataWrite = "opendata:write"
}

/// The post of a person who works for an agency.
public struct OfficialPost: Sendable, Codable, Equatable {
    public var agencyCode: String
    public var position: String
    public var roles: [Role]

    public init(agencyCode: String, position: String, roles: [Role]) {
        self.agencyCode = agencyCode
        self.position = position
        self.roles = roles
    }
}

/// How sure the platform is that an account belongs to the person whose PIN it carries (the eIDAS
/// levels; Kyrgyz law's simple, enhanced and qualified signatures map onto them).
public enum Assurance: String, Sendable, Codable, Comparable, CaseIterable {
    /// Registered online: anyone who knows a PIN could have done it. Sees no register data about
    /// the person and may use only services that ask for no more.
    case low
    /// Confirmed by a code sent to the phone the population register holds, or a national
    /// identity provider.
    case substantial
    /// Identity documents checked in person by a registrar (and the demo's accounts).
    case high

    var rank: Int {
        switch self {
        case .low: 0
        case .substantial: 1
        case .high: 2
        }
    }

    public static func < (a: Assurance, b: Assurance) -> Bool { a.rank < b.rank }
}

/// A signed-in person, with their post if they are an official, and how sure the platform is of them.
public struct Principal: Sendable, Equatable {
    public var pin: String
    public var displayName: String
    public var post: OfficialPost?
    public var assurance: Assurance

    public init(pin: String, displayName: String, post: OfficialPost?, assurance: Assurance = .low) {
        self.pin = pin
        self.displayName = displayName
        self.post = post
        self.assurance = assurance
    }
}

/// The one place where roles turn into permissions and scopes are checked.
public enum AccessPolicy {
    /// What each role adds to what every signed-in person may do.
    static let grants: [Role: Set<Permission>] = [
        .clerk: [.viewBackOffice, .readRegistries, .writeRegistries],
        .specialist: [
            .viewBackOffice, .readRegistries, .writeRegistries, .runParticipation, .manageProgramme, .publishAlerts,
        ],
        .head: [
            .viewBackOffice, .readRegistries, .writeRegistries, .runParticipation, .manageProgramme, .publishAlerts,
        ],
        .administrator: [
            .viewBackOffice, .manageAPIClients, .registerOnBehalf, .signCheckpoints, .manageWorkflows, .manageExchange,
            .moderateParticipation, .manageProgramme, .publishAlerts,
        ],
        .registrar: [.viewBackOffice, .confirmAccounts],
    ]

    /// Everything `principal` may do.
    public static func permissions(of principal: Principal) -> Set<Permission> {
        var result: Set<Permission> = [.viewOwnCabinet]
        for role in principal.post?.roles ?? [] {
            result.formUnion(grants[role] ?? [])
        }
        return result
    }

    /// Throws `DomainError.forbidden` unless `principal` may do `permission`.
    public static func require(_ permission: Permission, of principal: Principal) throws(DomainError) {
        guard permissions(of: principal).contains(permission) else { throw .forbidden }
    }

    /// Throws `DomainError.forbidden` unless `client` holds `scope` and is not revoked.
    public static func require(_ scope: Scope, of client: APIClient) throws(DomainError) {
        guard client.revokedAt == nil, client.scopes.contains(scope) else { throw .forbidden }
    }
}
