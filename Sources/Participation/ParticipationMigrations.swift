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
    ]
}
