import Core
import SQLKit
import Storage

/// Reference data, demo data and the platform's one-time flags (`settings`), on the caller's
/// transaction. Seeding writes no ledger entries: it is how a database starts, not an act of anyone.
extension SQLIdentityStore {
    /// Inserts the regions (with their districts) and agencies that are missing.
    static func insertMissing(
        regions: [(String, String, String, String, String, [(String, String, String, String)])],
        agencies: [(String, Agency.Branch, String, String, String, String?)], on sql: any SQLDatabase
    ) async throws {
        for (code, kind, ky, ru, en, districts) in regions {
            try await sql.raw(
                """
                INSERT INTO regions (code, kind, name_ky, name_ru, name_en) VALUES (\(bind: code), \(bind: kind), \(bind: ky), \(bind: ru), \(bind: en))
                ON CONFLICT (code) DO NOTHING
                """
            ).run()
            for (dcode, dky, dru, den) in districts {
                try await sql.raw(
                    """
                    INSERT INTO districts (code, region_code, name_ky, name_ru, name_en)
                    VALUES (\(bind: dcode), \(bind: code), \(bind: dky), \(bind: dru), \(bind: den)) ON CONFLICT (code) DO NOTHING
                    """
                ).run()
            }
        }
        for (code, branch, ky, ru, en, region) in agencies {
            try await sql.raw(
                """
                INSERT INTO agencies (code, branch, name_ky, name_ru, name_en, region_code)
                VALUES (\(bind: code), \(bind: branch.rawValue), \(bind: ky), \(bind: ru), \(bind: en), \(bind: region)) ON CONFLICT (code) DO NOTHING
                """
            ).run()
        }
    }

    /// Sets the one-time flag `key` unless it is set; false when it was. On PostgreSQL the
    /// transaction first takes an advisory lock, so nodes starting together set it one at a time.
    public static func claimFlag(_ key: String, value: String, lockIf engine: DatabaseEngine, on sql: any SQLDatabase)
        async throws -> Bool
    {
        if engine == .postgres {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: 7_346_201_703))").run()
        }
        return try await sql.raw(
            "INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value)) ON CONFLICT (key) DO NOTHING RETURNING key"
        ).first() != nil
    }

    /// Clears the one-time flag `key` (a seeding that failed half-way may run again).
    public static func clearFlag(_ key: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM settings WHERE key = \(bind: key)").run()
    }

    /// A demo person with an account (and a post, for an official); existing rows are kept.
    static func insertDemoPerson(
        _ p: Person, passwordHash: String, post: OfficialPost?, now: Int, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO people (pin, family_name, given_name, patronymic, birth_date, sex, district_code, address, phone, email, is_demo, created_at)
            VALUES (\(bind: p.pin), \(bind: p.familyName), \(bind: p.givenName), \(bind: p.patronymic), \(bind: p.birthDate), \(bind: p.sex),
                    \(bind: p.districtCode), \(bind: p.address), \(bind: p.phone), \(bind: p.email), 1, \(bind: now)) ON CONFLICT (pin) DO NOTHING
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO accounts (pin, password_hash, created_at, assurance) VALUES (\(bind: p.pin), \(bind: passwordHash), \(bind: now), 'high')
            ON CONFLICT (pin) DO NOTHING
            """
        ).run()
        guard let post else { return }
        // The demo's officials sign in with the demo authenticator secret as their second factor.
        try await sql.raw(
            "UPDATE accounts SET totp_secret = \(bind: SecondFactor.demoSecret) WHERE pin = \(bind: p.pin)"
        ).run()
        try await sql.raw(
            """
            INSERT INTO officials (person_pin, agency_code, position) VALUES (\(bind: p.pin), \(bind: post.agencyCode), \(bind: post.position))
            ON CONFLICT (person_pin) DO NOTHING
            """
        ).run()
        for role in post.roles {
            try await sql.raw(
                """
                INSERT INTO official_roles (person_pin, role) VALUES (\(bind: p.pin), \(bind: role.rawValue)) ON CONFLICT (person_pin, role) DO NOTHING
                """
            ).run()
        }
    }

    /// A demo company and its director; existing rows are kept.
    static func insertDemoOrganisation(
        inn: String, name: String, legalForm: String, district: String, address: String, registeredOn: String,
        director: String, now: Int, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO organisations (inn, name, legal_form, district_code, address, registered_on, is_demo, created_at)
            VALUES (\(bind: inn), \(bind: name), \(bind: legalForm), \(bind: district), \(bind: address), \(bind: registeredOn), 1, \(bind: now))
            ON CONFLICT (inn) DO NOTHING
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO representations (person_pin, organisation_inn, capacity) VALUES (\(bind: director), \(bind: inn), 'director')
            ON CONFLICT (person_pin, organisation_inn) DO NOTHING
            """
        ).run()
    }
}
