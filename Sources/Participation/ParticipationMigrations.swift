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
            ])
    ]
}
