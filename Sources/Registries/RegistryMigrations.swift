import Storage

/// The tables of the registries module. Each registry's records live in a table of their own,
/// `rr_<name>`, created when the registry is (see `SQLRegistryStore.createRegistry`), so each
/// gets its own primary key and search indexes without the others' rows in them.
public enum RegistryMigrations {
    /// In order; versions 300–399 belong to this module.
    public static let all: [Migration] = [
        Migration(
            version: 300, name: "registries, schemas, access rights, history, data-access log",
            statements: [
                """
                CREATE TABLE registries (name TEXT PRIMARY KEY, owner_agency TEXT NOT NULL REFERENCES agencies(code),
                  title_ky TEXT NOT NULL, title_ru TEXT NOT NULL, title_en TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE registry_schemas (registry TEXT NOT NULL REFERENCES registries(name), version INTEGER NOT NULL,
                  document TEXT NOT NULL, published_at BIGINT NOT NULL, published_by TEXT NOT NULL, ledger_index BIGINT,
                  PRIMARY KEY (registry, version))
                """,
                """
                CREATE TABLE registry_access (registry TEXT NOT NULL REFERENCES registries(name),
                  agency_code TEXT NOT NULL REFERENCES agencies(code), can_write INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY (registry, agency_code))
                """,
                """
                CREATE TABLE registry_history (registry TEXT NOT NULL, record_key TEXT NOT NULL, revision INTEGER NOT NULL,
                  schema_version INTEGER NOT NULL, content TEXT NOT NULL, deleted INTEGER NOT NULL, changed_at BIGINT NOT NULL,
                  changed_by TEXT NOT NULL, reason TEXT NOT NULL, ledger_index BIGINT, PRIMARY KEY (registry, record_key, revision))
                """,
                """
                CREATE TABLE data_access_log (id TEXT PRIMARY KEY, person_pin TEXT NOT NULL, registry TEXT NOT NULL,
                  record_key TEXT NOT NULL, reader_kind TEXT NOT NULL, reader_id TEXT NOT NULL, reader_name TEXT NOT NULL,
                  agency_code TEXT NOT NULL, application TEXT NOT NULL, legal_basis TEXT NOT NULL, case_number TEXT NOT NULL,
                  at BIGINT NOT NULL, ledger_index BIGINT)
                """,
                "CREATE INDEX data_access_by_person ON data_access_log (person_pin, at)",
            ]),
        // Relations between people belong to the civil registry. Databases made before they moved
        // here have the table already (the workflow module's version 400 created it).
        Migration(
            version: 301, name: "person relations",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS person_relations (pin_a TEXT NOT NULL, pin_b TEXT NOT NULL, kind TEXT NOT NULL,
                  PRIMARY KEY (pin_a, pin_b))
                """,
                "CREATE INDEX IF NOT EXISTS person_relations_by_b ON person_relations (pin_b)",
            ]),
        // Every change of a record, in ledger order: what the exchange layer publishes to
        // subscribers (the ledger itself names people only by pseudonym).
        Migration(
            version: 302, name: "registry change journal",
            statements: [
                """
                CREATE TABLE registry_changes (ledger_index BIGINT PRIMARY KEY, registry TEXT NOT NULL,
                  record_key TEXT NOT NULL, change TEXT NOT NULL, changed_at BIGINT NOT NULL)
                """
            ]),
    ]
}
