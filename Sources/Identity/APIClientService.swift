import Core
import Foundation

/// Issues, lists, revokes and authenticates the bearer tokens of other systems.
public struct APIClientService: Sendable {
    let store: any APIClientStore
    /// Recently authenticated tokens, kept 2 seconds: a busy system sends thousands of requests a
    /// second, and each would otherwise read the database first. A revocation takes effect at once
    /// on the node that made it and within 2 seconds on the others.
    /// Live clients by token hash, kept 2 s per node (revocation clears this node's memory at once).
    let recent = TTLCache<String, APIClient>(lifetime: .seconds(2))

    /// When clients are issued and revoked.
    let clock: Clock

    public init(store: any APIClientStore, clock: Clock) {
        self.clock = clock
        self.store = store
    }

    /// A client and its token; the token is shown once and never stored in clear.
    public struct Issued: Sendable {
        public var client: APIClient
        public var token: String
    }

    /// Issues a token for `name` of `agencyCode` with `scopes`, on behalf of an administrator.
    public func issue(name: String, agencyCode: String, scopes: [Scope], by administrator: Principal) async throws
        -> Issued
    {
        try AccessPolicy.require(.manageAPIClients, of: administrator)
        var errors: [FieldError] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { errors.append(FieldError(field: "name", messageKey: "error_required")) }
        if trimmed.count > 100 { errors.append(FieldError(field: "name", messageKey: "error_too_long")) }
        if scopes.isEmpty { errors.append(FieldError(field: "scopes", messageKey: "error_scopes")) }
        if agencyCode.isEmpty { errors.append(FieldError(field: "agencyCode", messageKey: "error_required")) }
        guard errors.isEmpty else { throw ValidationError(errors) }
        let token = "tk_" + Secrets.token()
        let client = APIClient(
            id: String(Secrets.token().prefix(12)), name: trimmed, agencyCode: agencyCode, scopes: scopes,
            createdAt: clock.seconds, createdBy: administrator.pin, revokedAt: nil
        )
        try await store.insert(client, tokenHash: Secrets.digest(of: token), by: administrator.pin)
        return Issued(client: client, token: token)
    }

    public func all(by administrator: Principal) async throws -> [APIClient] {
        try AccessPolicy.require(.manageAPIClients, of: administrator)
        return try await store.all()
    }

    public func revoke(id: String, by administrator: Principal) async throws {
        try AccessPolicy.require(.manageAPIClients, of: administrator)
        guard try await store.revoke(id: id, at: clock.seconds, by: administrator.pin) else {
            throw DomainError.notFound
        }
        await recent.removeAll()
    }

    /// The live client holding `token`, or nil (unknown or revoked).
    public func authenticate(token: String) async throws -> APIClient? {
        let hash = Secrets.digest(of: token)
        if let client = await recent.value(for: hash) { return client }
        guard let client = try await store.client(tokenHash: hash), client.revokedAt == nil else { return nil }
        await recent.store(client, for: hash)
        return client
    }
}
