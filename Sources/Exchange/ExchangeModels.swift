/// A service a provider's node offers on the exchange, and where the node sends its calls.
public struct ProvidedService: Sendable, Codable, Equatable {
    public var id: XRoadService
    /// Where calls go: an `http(s)://` base URL of the provider's own system, or
    /// `registry:NAME` for one of this platform's registries (answered in-process).
    public var backend: String
    /// The agency answering (its rights apply to a built-in registry).
    public var agencyCode: String
    /// The service's OpenAPI description (JSON or YAML), for `getOpenAPI` and `listMethods`.
    public var openAPI: String
    /// Seconds since 1970.
    public var createdAt: Int

    public init(id: XRoadService, backend: String, agencyCode: String, openAPI: String, createdAt: Int) {
        self.id = id
        self.backend = backend
        self.agencyCode = agencyCode
        self.openAPI = openAPI
        self.createdAt = createdAt
    }
}

/// A right to call a service: granted to one subsystem or to a global group (`group:CODE`),
/// for every endpoint (`*`) or one method and path pattern (`*` matches one path segment, a
/// trailing `/**` the rest).
public struct AccessRight: Sendable, Codable, Equatable {
    public var service: XRoadService
    /// A subsystem identifier, or `group:CODE`.
    public var grantee: String
    /// An HTTP method, or `*`.
    public var method: String
    /// A path pattern, or `*` for the whole service.
    public var path: String

    public init(service: XRoadService, grantee: String, method: String = "*", path: String = "*") {
        self.service = service
        self.grantee = grantee
        self.method = method
        self.path = path
    }

    /// Whether this right lets a call with `method` reach `path` (the path after the service code).
    public func allows(method: String, path: String) -> Bool {
        guard self.method == "*" || self.method.uppercased() == method.uppercased() else { return false }
        if self.path == "*" { return true }
        let want = self.path.split(separator: "/")
        let have = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        for (index, part) in want.enumerated() {
            if part == "**" { return true }
            guard index < have.count, part == "*" || part == have[index] else { return false }
        }
        return want.count == have.count
    }
}

/// A member's request to join the exchange (or to change its entry), signed with its own key.
public struct JoinRequest: Sendable, Codable, Equatable {
    public var member: GlobalConfiguration.Member
    /// `pending`, `approved` or `refused`.
    public var status: String
    /// Seconds since 1970.
    public var requestedAt: Int

    public init(member: GlobalConfiguration.Member, status: String, requestedAt: Int) {
        self.member = member
        self.status = status
        self.requestedAt = requestedAt
    }
}

/// One message as a node logged it: metadata always (bodies are not kept), on the client's node
/// and on the provider's, each with its ledger entry.
public struct MessageRecord: Sendable, Codable, Equatable {
    public var id: String
    /// `client` (this node sent it on) or `provider` (this node answered it).
    public var side: String
    /// `X-Road-Id`.
    public var messageID: String
    public var client: String
    public var service: String
    public var method: String
    /// The path and query after the service code.
    public var path: String
    public var userID: String
    public var issue: String
    /// `X-Road-Request-Hash`.
    public var requestHash: String
    public var requestSignature: String
    /// Base64 SHA-512 of the response body, and the provider node's signature of the response.
    public var responseDigest: String
    public var responseSignature: String
    public var status: Int
    /// The X-Road error type, if the exchange itself refused or failed.
    public var error: String
    /// Seconds since 1970.
    public var at: Int
    public var durationMilliseconds: Int
    /// The texts the two signatures are over (`RequestSeal.text`, `ResponseSeal.text`), for evidence.
    public var requestSeal: String
    public var responseSeal: String
    public var ledgerIndex: Int?

    public init(
        id: String, side: String, messageID: String, client: String, service: String, method: String, path: String,
        userID: String, issue: String, requestHash: String, requestSignature: String, responseDigest: String,
        responseSignature: String, status: Int, error: String, at: Int, durationMilliseconds: Int,
        requestSeal: String = "", responseSeal: String = "", ledgerIndex: Int? = nil
    ) {
        self.id = id
        self.side = side
        self.messageID = messageID
        self.client = client
        self.service = service
        self.method = method
        self.path = path
        self.userID = userID
        self.issue = issue
        self.requestHash = requestHash
        self.requestSignature = requestSignature
        self.responseDigest = responseDigest
        self.responseSignature = responseSignature
        self.status = status
        self.error = error
        self.at = at
        self.durationMilliseconds = durationMilliseconds
        self.requestSeal = requestSeal
        self.responseSeal = responseSeal
        self.ledgerIndex = ledgerIndex
    }

    /// What the ledger entry's details digest is computed over (everything but the row's own id
    /// and ledger index).
    public var ledgerDetails: [String: String] {
        [
            "side": side, "messageId": messageID, "client": client, "service": service, "method": method,
            "path": path, "userId": userID, "issue": issue, "requestHash": requestHash,
            "requestSignature": requestSignature, "responseDigest": responseDigest,
            "responseSignature": responseSignature, "status": String(status), "error": error, "at": String(at),
            "requestSeal": requestSeal, "responseSeal": responseSeal,
        ]
    }
}

/// A member's subscription to the changes of one of this node's registries: each change is sent
/// as an exchange message from `publisher` (a subsystem of this member) to `subscriber` (a
/// service of the subscribing member, which its own system answers), at least once.
public struct Subscription: Sendable, Codable, Equatable {
    public var id: String
    public var registry: String
    public var publisher: XRoadClient
    public var subscriber: XRoadService
    /// Why the subscriber may learn of these changes; it stands in each person's "who looked at my data".
    public var legalBasis: String
    public var createdAt: Int

    public init(
        id: String, registry: String, publisher: XRoadClient, subscriber: XRoadService, legalBasis: String,
        createdAt: Int
    ) {
        self.id = id
        self.registry = registry
        self.publisher = publisher
        self.subscriber = subscriber
        self.legalBasis = legalBasis
        self.createdAt = createdAt
    }
}

/// What a subscriber receives of one registry change: which record, how it changed, and the ledger
/// entry that proves it; never the record's content (the subscriber reads it, with a purpose, if
/// it needs to).
public struct RegistryChangeEvent: Sendable, Codable, Equatable {
    public var registry: String
    public var key: String
    /// `created`, `updated` or `deleted`.
    public var change: String
    public var ledgerIndex: Int
    /// Seconds since 1970.
    public var time: Int
    public var subscription: String
}
