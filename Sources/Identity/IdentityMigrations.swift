import Storage

/// The tables of the identity module: places, agencies, people, organisations, officials,
/// accounts, sessions, sign-in throttling and API clients.
public enum IdentityMigrations {
    /// In order; versions 100–199 belong to this module.
    public static let all: [Migration] = [
        Migration(
            version: 100, name: "places and agencies",
            statements: [
                """
                CREATE TABLE regions (code TEXT PRIMARY KEY, kind TEXT NOT NULL,
                  name_ky TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT NOT NULL)
                """,
                """
                CREATE TABLE districts (code TEXT PRIMARY KEY, region_code TEXT NOT NULL REFERENCES regions(code),
                  name_ky TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT NOT NULL)
                """,
                """
                CREATE TABLE agencies (code TEXT PRIMARY KEY, branch TEXT NOT NULL,
                  name_ky TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT NOT NULL,
                  region_code TEXT REFERENCES regions(code), is_demo INTEGER NOT NULL DEFAULT 0)
                """,
            ]),
        Migration(
            version: 101, name: "people and organisations",
            statements: [
                """
                CREATE TABLE people (pin TEXT PRIMARY KEY, family_name TEXT NOT NULL, given_name TEXT NOT NULL,
                  patronymic TEXT NOT NULL DEFAULT '', birth_date TEXT NOT NULL, sex TEXT NOT NULL,
                  district_code TEXT REFERENCES districts(code), address TEXT NOT NULL DEFAULT '',
                  phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
                  is_demo INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE organisations (inn TEXT PRIMARY KEY, name TEXT NOT NULL, legal_form TEXT NOT NULL,
                  district_code TEXT REFERENCES districts(code), address TEXT NOT NULL DEFAULT '',
                  registered_on TEXT NOT NULL, is_demo INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE representations (person_pin TEXT NOT NULL REFERENCES people(pin),
                  organisation_inn TEXT NOT NULL REFERENCES organisations(inn), capacity TEXT NOT NULL,
                  PRIMARY KEY (person_pin, organisation_inn))
                """,
                """
                CREATE TABLE officials (person_pin TEXT PRIMARY KEY REFERENCES people(pin),
                  agency_code TEXT NOT NULL REFERENCES agencies(code), position TEXT NOT NULL DEFAULT '')
                """,
                """
                CREATE TABLE official_roles (person_pin TEXT NOT NULL REFERENCES officials(person_pin),
                  role TEXT NOT NULL, PRIMARY KEY (person_pin, role))
                """,
            ]),
        Migration(
            version: 102, name: "accounts, sessions, throttling, API clients",
            statements: [
                """
                CREATE TABLE accounts (pin TEXT PRIMARY KEY REFERENCES people(pin), password_hash TEXT NOT NULL,
                  created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, pin TEXT NOT NULL REFERENCES people(pin),
                  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                "CREATE INDEX sessions_by_pin ON sessions (pin)",
                "CREATE TABLE sign_in_failures (throttle_key TEXT NOT NULL, failed_at BIGINT NOT NULL)",
                "CREATE INDEX sign_in_failures_by_key ON sign_in_failures (throttle_key, failed_at)",
                """
                CREATE TABLE api_clients (id TEXT PRIMARY KEY, name TEXT NOT NULL,
                  agency_code TEXT NOT NULL REFERENCES agencies(code), scopes TEXT NOT NULL,
                  token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, created_by TEXT NOT NULL,
                  revoked_at BIGINT)
                """,
                "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]),
        // Levels of assurance: an account registered online is low; the demo's accounts stand for
        // people whose documents a registrar has seen.
        Migration(
            version: 103, name: "levels of assurance",
            statements: [
                "ALTER TABLE accounts ADD COLUMN assurance TEXT NOT NULL DEFAULT 'low'",
                "UPDATE accounts SET assurance = 'high' WHERE pin IN (SELECT pin FROM people WHERE is_demo = 1)",
            ]),
        // Ways to raise assurance and second factors: activation codes sent to the registered phone,
        // TOTP secrets and recovery codes of officials, and sessions that wait for their second factor.
        // Existing sessions stay complete; the demo's officials get the demo authenticator secret.
        Migration(
            version: 104, name: "activation codes and second factors",
            statements: [
                """
                CREATE TABLE activation_codes (pin TEXT PRIMARY KEY REFERENCES people(pin), code_hash TEXT NOT NULL,
                  sent_to TEXT NOT NULL, expires_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                  created_at BIGINT NOT NULL)
                """,
                "ALTER TABLE accounts ADD COLUMN totp_secret TEXT",
                "ALTER TABLE accounts ADD COLUMN totp_pending TEXT",
                "ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0",
                """
                CREATE TABLE recovery_codes (pin TEXT NOT NULL REFERENCES people(pin), code_hash TEXT NOT NULL,
                  used_at BIGINT, PRIMARY KEY (pin, code_hash))
                """,
                "ALTER TABLE sessions ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 1",
                """
                UPDATE accounts SET totp_secret = '\(SecondFactor.demoSecret)' WHERE pin IN
                  (SELECT o.person_pin FROM officials o JOIN people p ON p.pin = o.person_pin WHERE p.is_demo = 1)
                """,
            ]),
        // Registrars confirm accounts at Public Service Centres; the demo's registration clerk is one.
        Migration(
            version: 105, name: "registrars",
            statements: [
                """
                INSERT INTO official_roles (person_pin, role)
                SELECT o.person_pin, 'registrar' FROM officials o JOIN people p ON p.pin = o.person_pin
                WHERE p.is_demo = 1 AND o.person_pin = '20106198800712'
                """
            ]),
        // Sign-ins through a national identification provider that have left for it and not come back
        // yet: the PKCE verifier and nonce of each, by its state (any node may receive the callback).
        Migration(
            version: 106, name: "national sign-in",
            statements: [
                """
                CREATE TABLE oidc_logins (state TEXT PRIMARY KEY, verifier TEXT NOT NULL, nonce TEXT NOT NULL,
                  next TEXT NOT NULL, created_at BIGINT NOT NULL)
                """
            ]),
        // A new phone or e-mail waiting for the code sent to it (one change at a time per person).
        Migration(
            version: 107, name: "contact changes",
            statements: [
                """
                CREATE TABLE contact_changes (pin TEXT PRIMARY KEY REFERENCES people(pin), channel TEXT NOT NULL,
                  value TEXT NOT NULL, code_hash TEXT NOT NULL, expires_at BIGINT NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
                """
            ]),
        // Emergency alerts reach the account holders living in a region (`accountHolders(inRegions:)`).
        Migration(
            version: 108, name: "people by district",
            statements: ["CREATE INDEX people_by_district ON people (district_code)"]),
    ]
}
