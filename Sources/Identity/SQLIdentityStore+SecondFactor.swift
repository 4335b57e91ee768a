import Core
import SQLKit

/// Authenticator secrets, recovery codes and activation codes (`accounts`, `recovery_codes`,
/// `activation_codes`).
extension SQLIdentityStore {
    public func authenticator(pin: String) async throws -> (secret: String?, pending: String?, lastStep: Int) {
        try await database.withConnection { sql in
            guard
                let row = try await sql.raw(
                    "SELECT totp_secret, totp_pending, totp_last_step FROM accounts WHERE pin = \(bind: pin)"
                ).first()
            else { return (nil, nil, 0) }
            return (
                try row.decode(column: "totp_secret", as: String?.self),
                try row.decode(column: "totp_pending", as: String?.self),
                try row.decode(column: "totp_last_step", as: Int.self)
            )
        }
    }

    public func offerAuthenticator(secret: String, pin: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw("UPDATE accounts SET totp_pending = \(bind: secret) WHERE pin = \(bind: pin)").run()
        }
    }

    public func enableAuthenticator(
        secret: String, recoveryDigests: [String], step: Int, pin: String, now: Int, by actor: LedgerActor
    ) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE accounts SET totp_secret = \(bind: secret), totp_pending = NULL, totp_last_step = \(bind: step)
                WHERE pin = \(bind: pin)
                """
            ).run()
            try await sql.raw("DELETE FROM recovery_codes WHERE pin = \(bind: pin)").run()
            try await sql.raw(
                .rows("INSERT INTO recovery_codes (pin, code_hash) VALUES ", recoveryDigests.map { [pin, $0] }, "")
            ).run()
            _ = try await log(
                sql, kind: "identity.account.second-factor", actor: actor, subject: { $0 }, subjectPIN: pin,
                details: ["method": "totp", "recoveryCodes": String(recoveryDigests.count)], now: now)
            try await AccountRecords.seal([pin], ledger: ledger, on: sql)
        }
    }

    public func useAuthenticatorStep(_ step: Int, pin: String) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                UPDATE accounts SET totp_last_step = \(bind: step)
                WHERE pin = \(bind: pin) AND totp_last_step < \(bind: step) RETURNING pin
                """
            ).first() != nil
        }
    }

    public func useRecoveryCode(digest: String, pin: String, now: Int) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now)
                WHERE pin = \(bind: pin) AND code_hash = \(bind: digest) AND used_at IS NULL RETURNING pin
                """
            ).first() != nil
        }
    }

    public func activationCreatedAt(pin: String, on sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("SELECT created_at FROM activation_codes WHERE pin = \(bind: pin)").first(
            decodingColumn: "created_at", as: Int.self)
    }

    public func putActivationCode(
        digest: String, sentTo: String, expiresAt: Int, now: Int, pin: String, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO activation_codes (pin, code_hash, sent_to, expires_at, attempts, created_at)
            VALUES (\(bind: pin), \(bind: digest), \(bind: sentTo), \(bind: expiresAt), 0, \(bind: now))
            ON CONFLICT (pin) DO UPDATE SET code_hash = excluded.code_hash, sent_to = excluded.sent_to,
              expires_at = excluded.expires_at, attempts = 0, created_at = excluded.created_at
            """
        ).run()
    }

    public func pendingActivation(pin: String, now: Int) async throws -> (sentTo: String, expiresAt: Int)? {
        try await database.withConnection { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT sent_to, expires_at FROM activation_codes WHERE pin = \(bind: pin) AND expires_at > \(bind: now)
                    """
                ).first()
            else { return nil }
            return (
                try row.decode(column: "sent_to", as: String.self), try row.decode(column: "expires_at", as: Int.self)
            )
        }
    }

    public func confirmActivation(digest: String, pin: String, now: Int, maxAttempts: Int) async throws
        -> ActivationCheck
    {
        try await database.transaction { sql in
            // Counted first, on the row's lock, so parallel guesses cannot share one attempt.
            guard
                let row = try await sql.raw(
                    """
                    UPDATE activation_codes SET attempts = attempts + 1 WHERE pin = \(bind: pin)
                    RETURNING code_hash, expires_at, attempts
                    """
                ).first()
            else { return .expired }
            let attempts = try row.decode(column: "attempts", as: Int.self)
            if try row.decode(column: "expires_at", as: Int.self) <= now { return .expired }
            if attempts > maxAttempts { return .tooManyAttempts }
            guard Secrets.constantTimeEquals(try row.decode(column: "code_hash", as: String.self), digest) else {
                return .wrong
            }
            try await sql.raw("DELETE FROM activation_codes WHERE pin = \(bind: pin)").run()
            // Only ever raises: an account a registrar confirmed stays high.
            let current = try await sql.raw("SELECT assurance FROM accounts WHERE pin = \(bind: pin)").first(
                decodingColumn: "assurance", as: String.self)
            guard current == Assurance.low.rawValue else { return .confirmed }
            try await setAssurance(
                .substantial, pin: pin, how: "sms-code", now: now, by: .subjectThemself, on: sql)
            return .confirmed
        }
    }
}
