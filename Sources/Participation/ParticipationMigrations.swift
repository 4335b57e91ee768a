import Storage

/// The tables of e-participation; versions 800–899 belong to this module.
public enum ParticipationMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 800, name: "participation: petitions and their signatures",
            statements: [
                // `signer_key` makes each signer's pseudonym for this petition only (HMAC of the PIN),
                // so signatures of one person on two petitions cannot be linked from the ledger.
                """
                CREATE TABLE participation_petitions (id TEXT PRIMARY KEY, level TEXT NOT NULL, area TEXT NOT NULL,
                  title TEXT NOT NULL, body TEXT NOT NULL, author TEXT NOT NULL, status TEXT NOT NULL,
                  created_at BIGINT NOT NULL, deadline BIGINT NOT NULL, threshold INTEGER NOT NULL,
                  signatures INTEGER NOT NULL, signer_key TEXT NOT NULL, duty_at BIGINT)
                """,
                """
                CREATE TABLE participation_signatures (petition_id TEXT NOT NULL REFERENCES participation_petitions(id),
                  signer TEXT NOT NULL, region TEXT NOT NULL, district TEXT NOT NULL, signed_at BIGINT NOT NULL,
                  PRIMARY KEY (petition_id, signer))
                """,
            ]),
        Migration(
            version: 801, name: "participation: consultations on drafts, their versions and comments",
            statements: [
                """
                CREATE TABLE participation_consultations (id TEXT PRIMARY KEY, authority TEXT NOT NULL, title TEXT NOT NULL,
                  status TEXT NOT NULL, created_at BIGINT NOT NULL, comments_until BIGINT NOT NULL,
                  current_version INTEGER NOT NULL)
                """,
                """
                CREATE TABLE participation_versions (consultation_id TEXT NOT NULL REFERENCES participation_consultations(id),
                  number INTEGER NOT NULL, body TEXT NOT NULL, note TEXT NOT NULL, published_at BIGINT NOT NULL,
                  is_final INTEGER NOT NULL, PRIMARY KEY (consultation_id, number))
                """,
                """
                CREATE TABLE participation_comments (id TEXT PRIMARY KEY,
                  consultation_id TEXT NOT NULL REFERENCES participation_consultations(id), version INTEGER NOT NULL,
                  passage INTEGER NOT NULL, quote TEXT NOT NULL, parent_id TEXT REFERENCES participation_comments(id),
                  author_name TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL, handling TEXT,
                  response TEXT NOT NULL, responded_at BIGINT)
                """,
                "CREATE INDEX participation_comments_by_consultation ON participation_comments (consultation_id, created_at)",
            ]),
        Migration(
            version: 802, name: "participation: participatory budgets, proposals and ballots",
            statements: [
                // `voter_key` makes each voter's pseudonym for this budget only, as for petitions.
                """
                CREATE TABLE participation_budgets (id TEXT PRIMARY KEY, authority TEXT NOT NULL, area TEXT NOT NULL,
                  title TEXT NOT NULL, total BIGINT NOT NULL, phase TEXT NOT NULL, voting_until BIGINT NOT NULL,
                  created_at BIGINT NOT NULL, ballots INTEGER NOT NULL, voter_key TEXT NOT NULL)
                """,
                """
                CREATE TABLE participation_proposals (id TEXT PRIMARY KEY,
                  budget_id TEXT NOT NULL REFERENCES participation_budgets(id), title TEXT NOT NULL, body TEXT NOT NULL,
                  cost BIGINT NOT NULL, feasibility TEXT NOT NULL, review TEXT NOT NULL, votes INTEGER NOT NULL)
                """,
                "CREATE INDEX participation_proposals_by_budget ON participation_proposals (budget_id)",
                """
                CREATE TABLE participation_ballots (budget_id TEXT NOT NULL REFERENCES participation_budgets(id),
                  voter TEXT NOT NULL, cast_at BIGINT NOT NULL, PRIMARY KEY (budget_id, voter))
                """,
            ]),
        Migration(
            version: 803, name: "participation: co-sponsors, moderation, reports and rate limits",
            statements: [
                // `author_key`: a keyed hash of the author's PIN, never shown, for rate limits across
                // petitions and consultations. Moderation keeps content and records why it is hidden.
                "ALTER TABLE participation_petitions ADD COLUMN author_key TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE participation_petitions ADD COLUMN sponsors INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE participation_petitions ADD COLUMN moderation TEXT",
                "CREATE INDEX participation_petitions_by_author ON participation_petitions (author_key, created_at)",
                """
                CREATE TABLE participation_sponsors (petition_id TEXT NOT NULL REFERENCES participation_petitions(id),
                  sponsor TEXT NOT NULL, sponsored_at BIGINT NOT NULL, PRIMARY KEY (petition_id, sponsor))
                """,
                "ALTER TABLE participation_comments ADD COLUMN author_key TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE participation_comments ADD COLUMN moderation TEXT",
                "CREATE INDEX participation_comments_by_author ON participation_comments (author_key, created_at)",
                """
                CREATE TABLE participation_reports (id TEXT PRIMARY KEY, target TEXT NOT NULL, reporter_key TEXT NOT NULL,
                  reason TEXT NOT NULL, note TEXT NOT NULL, created_at BIGINT NOT NULL, resolved_at BIGINT,
                  outcome TEXT)
                """,
                "CREATE INDEX participation_reports_open ON participation_reports (resolved_at, created_at)",
                "CREATE INDEX participation_reports_by_reporter ON participation_reports (reporter_key, created_at)",
            ]),
    ]
}
