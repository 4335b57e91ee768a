import Foundation
import SQLKit
import Storage

/// Dataset search: the parsed `q` and `fq` become one WHERE clause with every value bound.
extension SQLOpenDataStore {
    public func search(_ search: DatasetSearch) async throws -> DatasetSearchResult {
        let engine = database.engine
        return try await database.withConnection { sql in
            let condition = Self.condition(search.expression, engine: engine)
            var count = SQLQueryString("SELECT COUNT(*) AS n FROM opendata_datasets d WHERE ")
            count += condition
            let total = try await sql.raw(count).first(decodingColumn: "n", as: Int.self) ?? 0
            var page = SQLQueryString("SELECT d.document FROM opendata_datasets d WHERE ")
            page += condition
            page.appendLiteral(" ORDER BY " + Self.orderBy(search.sort))
            page.appendLiteral(" LIMIT ")
            page.appendInterpolation(bind: search.rows)
            page.appendLiteral(" OFFSET ")
            page.appendInterpolation(bind: search.start)
            let datasets: [Dataset] = try await sql.raw(page).all().map(Self.decodeDocument)
            var facets: [FacetField: [(value: String, count: Int)]] = [:]
            for facet in search.facets {
                var query: SQLQueryString
                switch facet {
                case .organization, .licenseID:
                    query = SQLQueryString(
                        "SELECT d.\(unsafeRaw: facet.rawValue) AS value, COUNT(*) AS n FROM opendata_datasets d WHERE ")
                    query += condition
                    query.appendLiteral(" GROUP BY d.\(facet.rawValue)")
                case .tags, .groups, .resFormat:
                    query = SQLQueryString(
                        """
                        SELECT f.value AS value, COUNT(*) AS n FROM opendata_facets f JOIN opendata_datasets d ON d.id = f.dataset_id
                        WHERE f.facet = \(bind: facet.rawValue) AND 
                        """)
                    query += condition
                    query.appendLiteral(" GROUP BY f.value")
                }
                query.appendLiteral(" ORDER BY n DESC, value LIMIT ")
                query.appendInterpolation(bind: search.facetLimit)
                facets[facet] = try await sql.raw(query).all().map {
                    (try $0.decode(column: "value", as: String.self), try $0.decode(column: "n", as: Int.self))
                }
            }
            return DatasetSearchResult(count: total, datasets: datasets, facets: facets)
        }
    }

    static func orderBy(_ sort: [DatasetSort]) -> String {
        var keys: [String] = []
        for key in sort {
            let direction = key.descending ? "DESC" : "ASC"
            switch key.key {
            // Relevance is not ranked yet: the newest first, as CKAN's default sort ends.
            case .score: keys.append("d.modified_at DESC")
            case .metadataModified: keys.append("d.modified_at \(direction)")
            case .metadataCreated: keys.append("d.created_at \(direction)")
            case .name: keys.append("d.name \(direction)")
            case .titleString: keys.append("d.title_sort \(direction)")
            }
        }
        return (keys + ["d.name ASC"]).joined(separator: ", ")
    }

    /// The SQL of one expression over `opendata_datasets d`.
    static func condition(_ expression: SearchExpression, engine: DatabaseEngine) -> SQLQueryString {
        switch expression {
        case .everything: return SQLQueryString("1 = 1")
        case .all(let parts): return joined(parts, with: " AND ", engine: engine)
        case .any(let parts): return joined(parts, with: " OR ", engine: engine)
        case .not(let inner):
            var query = SQLQueryString("NOT (")
            query += condition(inner, engine: engine)
            query.appendLiteral(")")
            return query
        case .text(let words): return textCondition(words, engine: engine)
        case .field(let field, let value): return fieldCondition(field, value, engine: engine)
        case .range(let field, let from, let to):
            let column = field == .metadataCreated ? "d.created_at" : "d.modified_at"
            var query = SQLQueryString("(\(unsafeRaw: column) >= ")
            query.appendInterpolation(bind: from ?? Int.min)
            query.appendLiteral(" AND \(column) <= ")
            query.appendInterpolation(bind: to ?? Int.max)
            query.appendLiteral(")")
            return query
        }
    }

    private static func joined(_ parts: [SearchExpression], with separator: String, engine: DatabaseEngine)
        -> SQLQueryString
    {
        var query = SQLQueryString("(")
        for (i, part) in parts.enumerated() {
            if i > 0 { query.appendLiteral(separator) }
            query += condition(part, engine: engine)
        }
        query.appendLiteral(")")
        return query
    }

    /// Words in any order, each a prefix of a word in some language's title, description or tags.
    private static func textCondition(_ text: String, engine: DatabaseEngine) -> SQLQueryString {
        let words = text.split { !$0.isLetter && !$0.isNumber }.prefix(16).map(String.init)
        guard !words.isEmpty else { return SQLQueryString("1 = 1") }
        switch engine {
        case .sqlite:
            let match = words.map { "\"\($0)\"*" }.joined(separator: " ")
            return SQLQueryString(
                "d.id IN (SELECT dataset_id FROM opendata_search WHERE opendata_search MATCH \(bind: match))")
        case .postgres:
            let match = words.map { $0.lowercased() + ":*" }.joined(separator: " & ")
            return SQLQueryString(
                "d.id IN (SELECT dataset_id FROM opendata_search WHERE vector @@ to_tsquery('simple', \(bind: match)))")
        }
    }

    /// A value, or a prefix when it ends in `*`.
    private static func fieldCondition(_ field: SearchField, _ value: String, engine: DatabaseEngine) -> SQLQueryString
    {
        let prefix = value.hasSuffix("*") ? String(value.dropLast()) : nil
        func compare(_ column: String) -> SQLQueryString {
            guard let prefix else { return SQLQueryString("\(unsafeRaw: column) = \(bind: value)") }
            return SQLQueryString(
                "(\(unsafeRaw: column) >= \(bind: prefix) AND \(unsafeRaw: column) < \(bind: prefix + "\u{10FFFF}"))")
        }
        switch field {
        case .id: return compare("d.id")
        case .name: return compare("d.name")
        case .organization: return compare("d.organization")
        case .licenseID: return compare("d.license_id")
        case .title, .text: return textCondition(prefix ?? value, engine: engine)
        case .tags, .groups, .resFormat:
            var query = SQLQueryString(
                "EXISTS (SELECT 1 FROM opendata_facets f WHERE f.dataset_id = d.id AND f.facet = \(bind: field.rawValue) AND "
            )
            query += compare("f.value")
            query.appendLiteral(")")
            return query
        case .metadataModified, .metadataCreated: return SQLQueryString("1 = 0")
        }
    }
}
