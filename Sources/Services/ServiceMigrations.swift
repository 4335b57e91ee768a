import Storage

/// The tables of the services module: the catalogue, applications, drafts, files, bills,
/// issued documents and the agencies' document keys, and notifications.
public enum ServiceMigrations {
    /// In order; versions 500–599 belong to this module.
    public static let all: [Migration] = [
        Migration(
            version: 500, name: "services, applications, bills, documents, notifications",
            statements: [
                "CREATE TABLE services (id TEXT PRIMARY KEY, agency_code TEXT NOT NULL, document TEXT NOT NULL, updated_at BIGINT NOT NULL)",
                """
                CREATE TABLE applications (id TEXT PRIMARY KEY, service_id TEXT NOT NULL, applicant_pin TEXT NOT NULL, organisation_inn TEXT,
                  language TEXT NOT NULL, answers TEXT NOT NULL, status TEXT NOT NULL, final INTEGER NOT NULL DEFAULT 0,
                  stage INTEGER NOT NULL, case_id TEXT NOT NULL, case_revision INTEGER NOT NULL, agency_code TEXT NOT NULL,
                  submitted_at BIGINT NOT NULL, due_on TEXT NOT NULL, decided_at BIGINT, rating INTEGER, rating_comment TEXT,
                  idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, ledger_index BIGINT)
                """,
                "CREATE UNIQUE INDEX applications_by_key ON applications (idempotency_key, applicant_pin)",
                "CREATE INDEX applications_by_applicant ON applications (applicant_pin, submitted_at)",
                "CREATE INDEX applications_by_case ON applications (case_id)",
                "CREATE INDEX applications_open ON applications (final, service_id)",
                "CREATE TABLE application_cases (application_id TEXT NOT NULL, stage INTEGER NOT NULL, case_id TEXT NOT NULL, agency_code TEXT NOT NULL, PRIMARY KEY (application_id, stage))",
                """
                CREATE TABLE application_drafts (applicant_pin TEXT NOT NULL, service_id TEXT NOT NULL, answers TEXT NOT NULL, saved_at BIGINT NOT NULL,
                  PRIMARY KEY (applicant_pin, service_id))
                """,
                """
                CREATE TABLE application_files (application_id TEXT NOT NULL, field TEXT NOT NULL, filename TEXT NOT NULL, media_type TEXT NOT NULL,
                  size INTEGER NOT NULL, sha256 TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (application_id, field))
                """,
                """
                CREATE TABLE bills (id TEXT PRIMARY KEY, application_id TEXT NOT NULL UNIQUE, amount INTEGER NOT NULL, currency TEXT NOT NULL,
                  status TEXT NOT NULL, gateway_reference TEXT, receipt_number TEXT, created_at BIGINT NOT NULL, paid_at BIGINT, ledger_index BIGINT)
                """,
                """
                CREATE TABLE issued_documents (id TEXT PRIMARY KEY, application_id TEXT NOT NULL UNIQUE, agency_code TEXT NOT NULL, holder_pin TEXT NOT NULL,
                  content TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL, issued_at BIGINT NOT NULL, ledger_index BIGINT, revoked_at BIGINT)
                """,
                """
                CREATE TABLE agency_keys (key_id TEXT PRIMARY KEY, agency_code TEXT NOT NULL UNIQUE, private_key TEXT NOT NULL, public_key TEXT NOT NULL,
                  created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE notifications (id TEXT PRIMARY KEY, pin TEXT NOT NULL, application_id TEXT NOT NULL, status TEXT NOT NULL,
                  reason TEXT NOT NULL, created_at BIGINT NOT NULL, read_at BIGINT, queued INTEGER NOT NULL DEFAULT 0)
                """,
                "CREATE INDEX notifications_by_pin ON notifications (pin, created_at)",
                // Notifications whose email and SMS are not written yet (the outbox dispatcher's queue).
                "CREATE INDEX notifications_to_queue ON notifications (queued, created_at)",
                // (The message outbox was created here before it became Storage's; see OutboxStore.)
                // Files other systems upload before submitting (GovStack Registration `POST /documents`).
                """
                CREATE TABLE registration_uploads (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, field TEXT NOT NULL, filename TEXT NOT NULL,
                  content TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                // Escalations whose official has been told (the outbox writes each notice once).
                "CREATE TABLE escalation_notices (case_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (case_id, seq))",
                // The books of the test bank (TestPaymentGateway): a stand-in for the bank's side.
                "CREATE TABLE test_bank_charges (bill TEXT PRIMARY KEY, amount INTEGER NOT NULL)",
            ]),
        // Escalation notices remember when they were written, so the next round asks the workflow
        // only for escalations since then (minus a margin), not for the whole history.
        Migration(
            version: 501, name: "escalation notices by time",
            statements: [
                "ALTER TABLE escalation_notices ADD COLUMN at BIGINT NOT NULL DEFAULT 0",
                "CREATE INDEX escalation_notices_by_time ON escalation_notices (at)",
            ]),
        // Appeals against refusals: one per application (the key), with the applicant's grounds.
        Migration(
            version: 502, name: "appeals",
            statements: [
                """
                CREATE TABLE application_appeals (application_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, reason TEXT NOT NULL,
                  filed_at BIGINT NOT NULL)
                """
            ]),
        // The idempotency store claims each (client, key) in the transaction that inserts the
        // application, so this unique index guarded nothing; no query reads it, and its random keys
        // cost every submission a write at a random page of an index as large as the table.
        Migration(
            version: 503, name: "no second index of idempotency keys", statements: ["DROP INDEX applications_by_key"]),
        // Where application reconciliation got to, for every node: kept in memory, a restarted node
        // looked at every case ever changed (on a grown database, minutes of the connection).
        Migration(
            version: 504, name: "reconciliation cursor",
            statements: ["CREATE TABLE reconcile_cursor (id INTEGER PRIMARY KEY, changed_at BIGINT NOT NULL)"]),
    ]
}
