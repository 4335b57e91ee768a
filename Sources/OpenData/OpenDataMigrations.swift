import Storage

/// The open-data tables; versions 700–799 belong to this module. Datastore tables (`ods_*`) are
/// made by `SQLOpenDataStore` when data is loaded, one per resource version.
public enum OpenDataMigrations {
    static let shared = [
        """
        CREATE TABLE opendata_organizations (name TEXT PRIMARY KEY, agency_code TEXT NOT NULL UNIQUE,
          document TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        // The current version of each dataset as one JSON document, plus the columns searches filter on.
        """
        CREATE TABLE opendata_datasets (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,
          organization TEXT NOT NULL REFERENCES opendata_organizations(name), license_id TEXT NOT NULL,
          title_sort TEXT NOT NULL, version INTEGER NOT NULL, created_at BIGINT NOT NULL, modified_at BIGINT NOT NULL,
          document TEXT NOT NULL)
        """,
        "CREATE INDEX opendata_datasets_by_modified ON opendata_datasets (modified_at)",
        "CREATE INDEX opendata_datasets_by_organization ON opendata_datasets (organization)",
        // Every version ever published, for fixed version URLs.
        """
        CREATE TABLE opendata_dataset_versions (dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id),
          version INTEGER NOT NULL, document TEXT NOT NULL, created_at BIGINT NOT NULL, ledger_index BIGINT,
          PRIMARY KEY (dataset_id, version))
        """,
        // Facets: one row per dataset and value, for tags, themes (groups) and resource formats.
        """
        CREATE TABLE opendata_facets (dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id), facet TEXT NOT NULL,
          value TEXT NOT NULL, PRIMARY KEY (dataset_id, facet, value))
        """,
        "CREATE INDEX opendata_facets_by_value ON opendata_facets (facet, value)",
        "CREATE TABLE opendata_resources (id TEXT PRIMARY KEY, dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id))",
        // Loaded tables, one per resource and data version.
        """
        CREATE TABLE opendata_datastore (resource_id TEXT NOT NULL, version INTEGER NOT NULL, table_name TEXT NOT NULL,
          schema TEXT NOT NULL, row_count BIGINT NOT NULL, bytes BIGINT NOT NULL, sha256 TEXT NOT NULL,
          loaded_at BIGINT NOT NULL, PRIMARY KEY (resource_id, version))
        """,
    ]

    public static let all: [Migration] = [
        Migration(
            version: 700, name: "open data: organizations, datasets and versions, facets, resources, datastore, search",
            statements: shared + [
                // SQLite FTS5: words of every language, case and diacritics folded.
                """
                CREATE VIRTUAL TABLE opendata_search USING fts5(dataset_id UNINDEXED, body,
                  tokenize = 'unicode61 remove_diacritics 2')
                """
            ],
            postgres: shared + [
                // PostgreSQL full text with the 'simple' configuration: no stemmer guesses at Kyrgyz.
                """
                CREATE TABLE opendata_search (dataset_id TEXT PRIMARY KEY REFERENCES opendata_datasets(id),
                  body TEXT NOT NULL, vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)
                """,
                "CREATE INDEX opendata_search_vector ON opendata_search USING GIN (vector)",
            ])
    ]
}
