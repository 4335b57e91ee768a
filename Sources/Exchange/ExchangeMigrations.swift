import Storage

/// The tables of the exchange layer; versions 600–699 belong to this module.
public enum ExchangeMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 600, name: "exchange: keys, members, global configuration, services, rights, clients, message log",
            statements: [
                // This node's member key, and the operator's key on the operator's node.
                "CREATE TABLE exchange_keys (role TEXT PRIMARY KEY, signing_key TEXT NOT NULL, created_at BIGINT NOT NULL)",
                """
                CREATE TABLE exchange_members (id TEXT PRIMARY KEY, entry TEXT NOT NULL, status TEXT NOT NULL,
                  requested_at BIGINT NOT NULL, decided_at BIGINT, decided_by TEXT)
                """,
                """
                CREATE TABLE exchange_groups (code TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (code, member))
                """,
                """
                CREATE TABLE exchange_globalconf (id INTEGER PRIMARY KEY CHECK (id = 1), serial BIGINT NOT NULL,
                  note TEXT NOT NULL, stored_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE exchange_services (id TEXT PRIMARY KEY, backend TEXT NOT NULL, agency_code TEXT NOT NULL,
                  openapi TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE exchange_rights (service TEXT NOT NULL REFERENCES exchange_services(id), grantee TEXT NOT NULL,
                  method TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (service, grantee, method, path))
                """,
                "CREATE TABLE exchange_local_clients (subsystem TEXT PRIMARY KEY, api_client_id TEXT NOT NULL)",
                """
                CREATE TABLE exchange_messages (id TEXT PRIMARY KEY, side TEXT NOT NULL, message_id TEXT NOT NULL,
                  client TEXT NOT NULL, service TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
                  user_id TEXT NOT NULL, issue TEXT NOT NULL, request_hash TEXT NOT NULL, request_signature TEXT NOT NULL,
                  response_digest TEXT NOT NULL, response_signature TEXT NOT NULL, status INTEGER NOT NULL,
                  error TEXT NOT NULL, at BIGINT NOT NULL, duration_ms INTEGER NOT NULL, request_seal TEXT NOT NULL,
                  response_seal TEXT NOT NULL, ledger_index BIGINT)
                """,
                // Bodies, when the node keeps them: AES-GCM sealed, base64.
                """
                CREATE TABLE exchange_message_bodies (id TEXT PRIMARY KEY REFERENCES exchange_messages(id),
                  request TEXT NOT NULL, response TEXT NOT NULL)
                """,
                "CREATE INDEX exchange_messages_by_message ON exchange_messages (message_id)",
                "CREATE INDEX exchange_messages_by_time ON exchange_messages (at)",
            ]),
        Migration(
            version: 601, name: "exchange: subscriptions to registry changes, and how far they were published",
            statements: [
                """
                CREATE TABLE exchange_subscriptions (id TEXT PRIMARY KEY, registry TEXT NOT NULL, publisher TEXT NOT NULL,
                  subscriber TEXT NOT NULL, legal_basis TEXT NOT NULL, created_at BIGINT NOT NULL,
                  UNIQUE (registry, subscriber))
                """,
                "CREATE TABLE exchange_publishing (id INTEGER PRIMARY KEY CHECK (id = 1), next_index BIGINT NOT NULL)",
            ]),
    ]
}
