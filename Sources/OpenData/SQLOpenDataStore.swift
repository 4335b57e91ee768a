import Core
import Foundation
import Ledger
import SQLKit
import Storage

/// The open-data tables (`opendata_*` and the datastore's `ods_*`) on SQLite or PostgreSQL.
public struct SQLOpenDataStore: OpenDataStore {
    let database: Database
    let ledger: LedgerService
    let indexes = DatastoreIndexes()

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    public func putOrganization(_ organization: DataOrganization, now: Int) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO opendata_organizations (name, agency_code, document, created_at)
                VALUES (\(bind: organization.name), \(bind: organization.agencyCode), \(bind: organization.canonicalJSON()), \(bind: now))
                ON CONFLICT (name) DO UPDATE SET document = excluded.document
                """
            ).run()
        }
    }

    public func organizations() async throws -> [DataOrganization] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT document FROM opendata_organizations ORDER BY name").all().map(
                Self.decodeDocument)
        }
    }

    public func organization(named name: String) async throws -> DataOrganization? {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT document FROM opendata_organizations WHERE name = \(bind: name) OR agency_code = \(bind: name)"
            ).first().map(Self.decodeDocument)
        }
    }

    public func datasetCounts() async throws -> [String: Int] {
        try await database.withConnection { sql in
            var counts: [String: Int] = [:]
            for row in try await sql.raw(
                "SELECT organization, COUNT(*) AS n FROM opendata_datasets GROUP BY organization"
            )
            .all() {
                counts[try row.decode(column: "organization", as: String.self)] = try row.decode(
                    column: "n", as: Int.self)
            }
            return counts
        }
    }

    public func dataset(_ idOrName: String) async throws -> Dataset? {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT document FROM opendata_datasets WHERE id = \(bind: idOrName) OR name = \(bind: idOrName)"
            ).first().map(Self.decodeDocument)
        }
    }

    public func dataset(_ idOrName: String, version: Int) async throws -> Dataset? {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT v.document FROM opendata_dataset_versions v JOIN opendata_datasets d ON d.id = v.dataset_id
                WHERE (d.id = \(bind: idOrName) OR d.name = \(bind: idOrName)) AND v.version = \(bind: version)
                """
            ).first().map(Self.decodeDocument)
        }
    }

    public func save(_ dataset: Dataset, searchText: String, event: LedgerEvent) async throws -> Bool {
        try await database.transaction { sql in
            try await Self.save(
                dataset, searchText: searchText, event: event, ledger: ledger, on: sql)
        }
    }

    static func save(
        _ dataset: Dataset, searchText: String, event: LedgerEvent, ledger: LedgerService,
        on sql: any SQLDatabase
    ) async throws -> Bool {
        let document = dataset.canonicalJSON()
        let title = dataset.title.text(.en).lowercased()
        if dataset.version == 1 {
            let inserted = try await sql.raw(
                """
                INSERT INTO opendata_datasets (id, name, organization, license_id, title_sort, version, created_at, modified_at, document)
                VALUES (\(bind: dataset.id), \(bind: dataset.name), \(bind: dataset.organization), \(bind: dataset.licenseID),
                  \(bind: title), 1, \(bind: dataset.createdAt), \(bind: dataset.modifiedAt), \(bind: document))
                ON CONFLICT DO NOTHING RETURNING id
                """
            ).first()
            guard inserted != nil else { return false }
        } else {
            let updated = try await sql.raw(
                """
                UPDATE opendata_datasets SET name = \(bind: dataset.name), organization = \(bind: dataset.organization),
                  license_id = \(bind: dataset.licenseID), title_sort = \(bind: title), version = \(bind: dataset.version),
                  modified_at = \(bind: dataset.modifiedAt), document = \(bind: document)
                WHERE id = \(bind: dataset.id) AND version = \(bind: dataset.version - 1) RETURNING id
                """
            ).first()
            guard updated != nil else { return false }
        }
        let index = try await ledger.append([event], on: sql).lowerBound
        try await sql.raw(
            """
            INSERT INTO opendata_dataset_versions (dataset_id, version, document, created_at, ledger_index)
            VALUES (\(bind: dataset.id), \(bind: dataset.version), \(bind: document), \(bind: dataset.modifiedAt), \(bind: index))
            """
        ).run()
        try await sql.raw("DELETE FROM opendata_facets WHERE dataset_id = \(bind: dataset.id)").run()
        let facets: [(String, String)] =
            dataset.tags.map { ("tags", $0) } + dataset.themes.map { ("groups", $0) }
            + Set(dataset.resources.map(\.format).filter { !$0.isEmpty }).sorted().map { ("res_format", $0) }
        if !facets.isEmpty {
            try await sql.raw(
                .rows(
                    "INSERT INTO opendata_facets (dataset_id, facet, value) VALUES ",
                    facets.map { [dataset.id, $0.0, $0.1] })
            ).run()
        }
        for resource in dataset.resources {
            try await sql.raw(
                """
                INSERT INTO opendata_resources (id, dataset_id) VALUES (\(bind: resource.id), \(bind: dataset.id))
                ON CONFLICT (id) DO NOTHING
                """
            ).run()
        }
        try await sql.raw("DELETE FROM opendata_search WHERE dataset_id = \(bind: dataset.id)").run()
        try await sql.raw(
            "INSERT INTO opendata_search (dataset_id, body) VALUES (\(bind: dataset.id), \(bind: searchText))"
        ).run()
        return true
    }

    public func datasetNames(limit: Int, offset: Int) async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT name FROM opendata_datasets ORDER BY name LIMIT \(bind: limit) OFFSET \(bind: offset)"
            ).all(decodingColumn: "name", as: String.self)
        }
    }

    public func datasetID(ofResource id: String) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT dataset_id FROM opendata_resources WHERE id = \(bind: id)").first(
                decodingColumn: "dataset_id", as: String.self)
        }
    }

    public func tags(prefix: String?, limit: Int) async throws -> [String] {
        try await database.withConnection { sql in
            if let prefix, !prefix.isEmpty {
                return try await sql.raw(
                    """
                    SELECT DISTINCT value FROM opendata_facets WHERE facet = 'tags' AND value >= \(bind: prefix)
                      AND value < \(bind: prefix + "\u{10FFFF}") ORDER BY value LIMIT \(bind: limit)
                    """
                ).all(decodingColumn: "value", as: String.self)
            }
            return try await sql.raw(
                "SELECT DISTINCT value FROM opendata_facets WHERE facet = 'tags' ORDER BY value LIMIT \(bind: limit)"
            ).all(decodingColumn: "value", as: String.self)
        }
    }

    static func decodeDocument<T: Decodable>(_ row: any SQLRow) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
    }
}
