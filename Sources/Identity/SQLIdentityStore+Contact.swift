import Core
import SQLKit

/// Changes of a person's phone or e-mail waiting for their code (`contact_changes`), and the change
/// itself (`people`), with its ledger entry.
extension SQLIdentityStore: ContactStore {
    public func contactChangeCreatedAt(pin: String, on sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("SELECT created_at FROM contact_changes WHERE pin = \(bind: pin)").first(
            decodingColumn: "created_at", as: Int.self)
    }

    public func putContactChange(_ change: PendingContactChange, digest: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO contact_changes (pin, channel, value, code_hash, expires_at, attempts, created_at)
            VALUES (\(bind: change.pin), \(bind: change.channel.rawValue), \(bind: change.value), \(bind: digest), \(bind: change.expiresAt), 0, \(bind: change.createdAt))
            ON CONFLICT (pin) DO UPDATE SET channel = excluded.channel, value = excluded.value, code_hash = excluded.code_hash,
              expires_at = excluded.expires_at, attempts = 0, created_at = excluded.created_at
            """
        ).run()
    }

    public func pendingContactChange(pin: String, now: Int) async throws -> PendingContactChange? {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT channel, value, expires_at, created_at FROM contact_changes WHERE pin = \(bind: pin) AND expires_at > \(bind: now)
                """
            ).first().flatMap { row in
                guard let channel = ContactChannel(rawValue: try row.decode(column: "channel", as: String.self)) else {
                    return nil
                }
                return PendingContactChange(
                    pin: pin, channel: channel, value: try row.decode(column: "value", as: String.self),
                    expiresAt: try row.decode(column: "expires_at", as: Int.self),
                    createdAt: try row.decode(column: "created_at", as: Int.self))
            }
        }
    }

    public func confirmContactChange(digest: String, pin: String, now: Int, maxAttempts: Int) async throws
        -> (ActivationCheck, ContactChannel?)
    {
        try await database.transaction { sql in
            // Counted first, on the row's lock, so parallel guesses cannot share one attempt.
            guard
                let row = try await sql.raw(
                    """
                    UPDATE contact_changes SET attempts = attempts + 1 WHERE pin = \(bind: pin)
                    RETURNING channel, value, code_hash, expires_at, attempts
                    """
                ).first(),
                let channel = ContactChannel(rawValue: try row.decode(column: "channel", as: String.self))
            else { return (.expired, nil) }
            if try row.decode(column: "expires_at", as: Int.self) <= now { return (.expired, nil) }
            if try row.decode(column: "attempts", as: Int.self) > maxAttempts { return (.tooManyAttempts, nil) }
            guard Secrets.constantTimeEquals(try row.decode(column: "code_hash", as: String.self), digest) else {
                return (.wrong, nil)
            }
            let value = try row.decode(column: "value", as: String.self)
            try await sql.raw("DELETE FROM contact_changes WHERE pin = \(bind: pin)").run()
            switch channel {
            case .phone: try await sql.raw("UPDATE people SET phone = \(bind: value) WHERE pin = \(bind: pin)").run()
            case .email: try await sql.raw("UPDATE people SET email = \(bind: value) WHERE pin = \(bind: pin)").run()
            }
            // The ledger says that it changed and how it was confirmed, never to what.
            _ = try await log(
                sql, kind: "identity.contact.changed", actor: .subjectThemself, subject: { $0 }, subjectPIN: pin,
                details: ["channel": channel.rawValue, "how": "code"], now: now)
            return (.confirmed, channel)
        }
    }
}
