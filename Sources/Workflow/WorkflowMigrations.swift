import Storage

/// The tables of the workflow module: published definitions, cases (with their SLA timer),
/// their history and the holiday calendar. (Relations between people, created here before, belong to
/// the registries since their version 301.)
public enum WorkflowMigrations {
    /// In order; versions 400–499 belong to this module.
    public static let all: [Migration] = [
        Migration(
            version: 400, name: "workflow definitions, cases, history, timers, holidays",
            statements: [
                """
                CREATE TABLE workflow_definitions (id TEXT NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL,
                  published_at BIGINT NOT NULL, published_by TEXT NOT NULL, ledger_index BIGINT, PRIMARY KEY (id, version))
                """,
                """
                CREATE TABLE workflow_cases (id TEXT PRIMARY KEY, definition_id TEXT NOT NULL, version INTEGER NOT NULL,
                  state TEXT NOT NULL, terminal INTEGER NOT NULL DEFAULT 0, agency_code TEXT NOT NULL, applicant_pin TEXT,
                  assignee_pin TEXT, facts TEXT NOT NULL, documents TEXT NOT NULL, entered_on TEXT NOT NULL, due_on TEXT,
                  revision INTEGER NOT NULL, timer_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX workflow_cases_timers ON workflow_cases (timer_at)",
                "CREATE INDEX workflow_cases_by_assignee ON workflow_cases (assignee_pin, terminal)",
                "CREATE INDEX workflow_cases_by_definition ON workflow_cases (definition_id, version, terminal)",
                """
                CREATE TABLE workflow_history (case_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
                  from_state TEXT, to_state TEXT, action TEXT, actor TEXT NOT NULL, role TEXT, reason TEXT NOT NULL,
                  details TEXT NOT NULL, at BIGINT NOT NULL, ledger_index BIGINT, PRIMARY KEY (case_id, seq))
                """,
                "CREATE TABLE workflow_holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL)",
            ]),
        // How many open cases each official holds, kept by every write of a case: assignment asks
        // for it on every start and transition, and counting cases there grew with the backlog.
        Migration(
            version: 401, name: "open cases per official",
            statements: [
                "CREATE TABLE workflow_official_load (pin TEXT PRIMARY KEY, open_cases INTEGER NOT NULL)",
                """
                INSERT INTO workflow_official_load (pin, open_cases)
                SELECT assignee_pin, COUNT(*) FROM workflow_cases WHERE terminal = 0 AND assignee_pin IS NOT NULL GROUP BY assignee_pin
                """,
            ]),
        Migration(
            version: 402, name: "escalations findable without reading all history",
            statements: [
                // Partial: only escalation lines are indexed, so ordinary history writes pay nothing.
                "CREATE INDEX workflow_history_escalations ON workflow_history (at) WHERE kind = 'escalated'"
            ]),
        // Applications catch up with cases changed behind their back (escalations) by asking
        // which cases changed lately, instead of comparing every open application with its case.
        Migration(
            version: 403, name: "cases findable by their last change",
            statements: ["CREATE INDEX workflow_cases_by_update ON workflow_cases (updated_at)"]),
        // The same, paged in (time, id) order: each page is a range of this index, so a poller can
        // read lately changed cases a few hundred at a time between other writes.
        Migration(
            version: 404, name: "changed cases paged by time and id",
            statements: [
                "CREATE INDEX workflow_cases_by_change ON workflow_cases (updated_at, id)",
                "DROP INDEX workflow_cases_by_update",
            ]),
    ]
}
