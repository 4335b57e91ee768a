import Storage

/// The tables of the ledger; versions 200–299 belong to this module.
public enum LedgerMigrations {
    /// `index`: SQLite's `INTEGER PRIMARY KEY` makes the index the rowid, so an audit scans the
    /// table in order instead of looking every row up through a separate index.
    static func statements(blob: String, index: String) -> [String] {
        [
            // Only the bytes: every column is covered by the hashes, so no row can change unnoticed.
            // (Modules that need to find entries by subject keep their own index of ledger indexes.)
            "CREATE TABLE ledger_entries (idx \(index) PRIMARY KEY, body \(blob) NOT NULL)",
            """
            CREATE TABLE ledger_tiles (level INTEGER NOT NULL, idx BIGINT NOT NULL, width INTEGER NOT NULL,
              hashes \(blob) NOT NULL, PRIMARY KEY (level, idx))
            """,
            // One row: the sequencer. Appenders lock it, so indexes are dense and gap-free on every engine.
            "CREATE TABLE ledger_state (id INTEGER PRIMARY KEY, size BIGINT NOT NULL, root TEXT NOT NULL)",
            "INSERT INTO ledger_state (id, size, root) VALUES (1, 0, '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')",
            "CREATE TABLE ledger_checkpoints (size BIGINT PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL, signed_at BIGINT NOT NULL)",
            "CREATE TABLE ledger_keys (name TEXT PRIMARY KEY, private_key TEXT NOT NULL)",
            // Salts of pseudonyms: deleting a row makes the person's ledger entries unlinkable without touching the log.
            "CREATE TABLE ledger_pseudonyms (identifier TEXT PRIMARY KEY, salt TEXT NOT NULL)",
        ]
    }

    public static let all: [Migration] = [
        Migration(
            version: 200, name: "transparency ledger", statements: statements(blob: "BLOB", index: "INTEGER"),
            postgres: statements(blob: "BYTEA", index: "BIGINT")),
        // The names of the records each seal entry seals, in clear (the log holds only keyed
        // digests): one row per entry, written with it, so reconciliation can name what it finds.
        // `checked_through` is how far the check before each checkpoint has come.
        Migration(
            version: 201, name: "record seals",
            statements: [
                "CREATE TABLE ledger_seals (idx BIGINT PRIMARY KEY, names TEXT NOT NULL)",
                "CREATE TABLE ledger_reconciled (id INTEGER PRIMARY KEY, checked_through BIGINT NOT NULL)",
                "INSERT INTO ledger_reconciled (id, checked_through) VALUES (1, 0)",
            ]),
    ]
}
