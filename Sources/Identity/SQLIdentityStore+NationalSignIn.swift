import Core
import SQLKit

/// Sign-ins waiting for the national identification provider's answer (`oidc_logins`).
extension SQLIdentityStore {
    /// Remembers a sign-in that left for the provider; forgets those older than `forgetBefore`.
    func rememberLogin(state: String, verifier: String, nonce: String, next: String, now: Int, forgetBefore: Int)
        async throws
    {
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM oidc_logins WHERE created_at < \(bind: forgetBefore)").run()
            try await sql.raw(
                """
                INSERT INTO oidc_logins (state, verifier, nonce, next, created_at)
                VALUES (\(bind: state), \(bind: verifier), \(bind: nonce), \(bind: next), \(bind: now))
                """
            ).run()
        }
    }

    /// Takes the sign-in of `state` (once: a second callback with the same state finds nothing),
    /// when it is not older than `since`.
    func takeLogin(state: String, since: Int) async throws -> (verifier: String, nonce: String, next: String)? {
        try await database.withConnection { sql in
            guard
                let row = try await sql.raw(
                    """
                    DELETE FROM oidc_logins WHERE state = \(bind: state) RETURNING verifier, nonce, next, created_at
                    """
                ).first(),
                try row.decode(column: "created_at", as: Int.self) >= since
            else { return nil }
            return (
                try row.decode(column: "verifier", as: String.self), try row.decode(column: "nonce", as: String.self),
                try row.decode(column: "next", as: String.self)
            )
        }
    }
}
