import Storage

/// The tables of the programme dashboard, ICT statistics and emergency alerts; versions 900–999.
public enum ProgrammeMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 900, name: "programme: indicators, their measurements and the action plan",
            statements: [
                """
                CREATE TABLE programme_indicators (code TEXT PRIMARY KEY, task TEXT NOT NULL,
                  title_ky TEXT NOT NULL, title_ru TEXT NOT NULL, title_en TEXT NOT NULL, unit TEXT NOT NULL,
                  baseline DOUBLE PRECISION NOT NULL, target DOUBLE PRECISION NOT NULL, source TEXT NOT NULL,
                  agency TEXT NOT NULL, method_ky TEXT NOT NULL, method_ru TEXT NOT NULL, method_en TEXT NOT NULL)
                """,
                """
                CREATE TABLE programme_measurements (indicator TEXT NOT NULL REFERENCES programme_indicators(code),
                  period TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, evidence TEXT NOT NULL,
                  recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL, PRIMARY KEY (indicator, period))
                """,
                """
                CREATE TABLE programme_actions (id TEXT PRIMARY KEY, task TEXT NOT NULL, title_ky TEXT NOT NULL,
                  title_ru TEXT NOT NULL, title_en TEXT NOT NULL, agency TEXT NOT NULL, deadline TEXT NOT NULL,
                  status TEXT NOT NULL)
                """,
            ]),
        Migration(
            version: 901, name: "programme: ICT statistics by region",
            statements: [
                """
                CREATE TABLE programme_ict (indicator TEXT NOT NULL, region TEXT NOT NULL, year INTEGER NOT NULL,
                  value DOUBLE PRECISION NOT NULL, recorded_at BIGINT NOT NULL, PRIMARY KEY (indicator, region, year))
                """
            ]),
        Migration(
            version: 902, name: "programme: emergency alerts and who they reached",
            statements: [
                """
                CREATE TABLE programme_alerts (id TEXT PRIMARY KEY, agency TEXT NOT NULL, category TEXT NOT NULL,
                  severity TEXT NOT NULL, urgency TEXT NOT NULL, certainty TEXT NOT NULL, regions TEXT NOT NULL,
                  texts TEXT NOT NULL, sent_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                "CREATE INDEX programme_alerts_by_expiry ON programme_alerts (expires_at)",
                """
                CREATE TABLE programme_alert_recipients (alert_id TEXT NOT NULL REFERENCES programme_alerts(id),
                  pin TEXT NOT NULL, PRIMARY KEY (pin, alert_id))
                """,
            ]),
    ]
}
