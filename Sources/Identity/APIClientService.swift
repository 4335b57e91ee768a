import Core
import Foundation

/// Issues, lists, revokes and authenticates the bearer tokens of other systems.
public struct APIClientService: Sendable {
    let store: any APIClientStore
    /// Recently authenticated tokens, kept 2 seconds: a busy system sends thousands of requests a
    /// second, and each would otherwise read the database first. A revocation takes effect at once
    /// on the node that made it and within 2 seconds on the others.
    let recent = RecentClients()

    public init(store: any APIClientStore) {
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
            createdAt: Int(Date().timeIntervalSince1970), createdBy: administrator.pin, revokedAt: nil
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
        guard try await store.revoke(id: id, at: Int(Date().timeIntervalSince1970), by: administrator.pin) else {
            throw DomainError.notFound
        }
        await recent.clear()
    }

    /// The live client holding `token`, or nil (unknown or revoked).
    public func authenticate(token: String) async throws -> APIClient? {
        let hash = Secrets.digest(of: token)
        if let client = await recent.get(hash) { return client }
        guard let client = try await store.client(tokenHash: hash), client.revokedAt == nil else { return nil }
        await recent.put(hash, client)
        return client
    }
}

/// Live clients by token hash, for a short while.
actor RecentClients {
    private var items: [String: (APIClient, ContinuousClock.Instant)] = [:]

    func get(_ hash: String) -> APIClient? {
        guard let (client, at) = items[hash], at.duration(to: .now) < .seconds(2) else { return nil }
        return client
    }

    func put(_ hash: String, _ client: APIClient) {
        if items.count > 10_000 { items = [:] }
        items[hash] = (client, .now)
    }

    func clear() { items = [:] }
}
