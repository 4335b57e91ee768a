/// Another system (usually another agency's) that calls the JSON API with a bearer token.
public struct APIClient: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    /// The agency answerable for the system.
    public var agencyCode: String
    public var scopes: [Scope]
    /// Seconds since 1970.
    public var createdAt: Int
    /// PIN of the administrator who issued it.
    public var createdBy: String
    /// Seconds since 1970; a revoked client is refused everywhere.
    public var revokedAt: Int?

    public init(
        id: String, name: String, agencyCode: String, scopes: [Scope], createdAt: Int, createdBy: String,
        revokedAt: Int?
    ) {
        self.id = id
        self.name = name
        self.agencyCode = agencyCode
        self.scopes = scopes
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}
