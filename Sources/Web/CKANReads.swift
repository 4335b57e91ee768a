import Core
import Foundation
import OpenData
import Registries

/// CKAN's read actions over the portal: each takes CKAN's parameters with CKAN's defaults and
/// bounds, and returns what CKAN would put in `result`.
struct CKANReads {
    let openData: OpenDataService
    let representation: CKANRepresentation
    let clock: Clock

    func perform(_ action: String, _ parameters: CKANParameters) async throws -> JSONValue {
        switch action {
        case "package_list":
            let limit = try parameters.integer("limit", in: 1...10_000, default: 1_000)
            let offset = try parameters.integer("offset", in: 0...10_000_000, default: 0)
            return .array(try await openData.store.datasetNames(limit: limit, offset: offset).map { .string($0) })
        case "package_show":
            let id = try parameters.required("id")
            let dataset =
                if let version = try parameters.string("version_number") {
                    try await openData.dataset(id, version: RequestNumber.parse(version, in: 1...1_000_000) ?? 0)
                } else {
                    try await openData.dataset(id)
                }
            return representation.package(dataset, organization: try? await openData.organization(dataset.organization))
        case "package_search": return try await packageSearch(parameters)
        case "organization_list":
            let organizations = try await openData.organizations()
            guard try parameters.bool("all_fields", default: false) else {
                return .array(organizations.map { .string($0.name) })
            }
            let counts = try await openData.store.datasetCounts()
            return .array(
                organizations.map { organization in
                    guard case .object(var fields) = representation.organization(organization) else { return .null }
                    fields["package_count"] = .number(Double(counts[organization.name] ?? 0))
                    return .object(fields)
                })
        case "organization_show":
            let organization = try await openData.organization(try parameters.required("id"))
            guard case .object(var fields) = representation.organization(organization) else { return .null }
            fields["package_count"] = .number(Double(try await openData.store.datasetCounts()[organization.name] ?? 0))
            return .object(fields)
        case "resource_show":
            let (resource, dataset) = try await openData.resource(try parameters.required("id"))
            let position = dataset.resources.firstIndex { $0.id == resource.id } ?? 0
            return representation.resource(resource, dataset: dataset, position: position)
        case "tag_list":
            let limit = try parameters.integer("limit", in: 1...10_000, default: 1_000)
            return .array(
                try await openData.store.tags(prefix: try parameters.string("query"), limit: limit).map { .string($0) })
        case "datastore_search":
            return try await CKANDatastoreSearch(openData: openData, representation: representation).perform(parameters)
        case "site_read": return .bool(true)
        default:
            return .object([
                "ckan_version": "2.10.0", "site_title": "Taza Koom open data", "site_description": "",
                "site_url": .string(representation.base), "extensions": .array(["datastore", "fluent"]),
                "locale_default": .string(Language.default.rawValue),
            ])
        }
    }

    private func packageSearch(_ parameters: CKANParameters) async throws -> JSONValue {
        var fq = (try parameters.list("fq_list")) ?? []
        if let single = try parameters.string("fq") { fq.append(single) }
        let expression = try SearchQueryParser.parse(q: try parameters.string("q"), fq: fq, now: clock.seconds)
        let sortText = try parameters.string("sort") ?? "score desc, metadata_modified desc"
        let sort = try Self.sort(sortText)
        let facets: [FacetField] =
            try parameters.bool("facet", default: true)
            ? try (parameters.list("facet.field") ?? []).map { name throws(OpenDataError) in
                guard let field = FacetField(rawValue: name) else {
                    throw .validation([
                        "facet.field": [
                            "Unknown facet \"\(name.prefix(40))\"; one of: \(FacetField.allCases.map(\.rawValue).joined(separator: ", "))"
                        ]
                    ])
                }
                return field
            } : []
        let search = DatasetSearch(
            expression: expression, sort: sort, rows: try parameters.integer("rows", in: 0...1_000, default: 10),
            start: try parameters.integer("start", in: 0...10_000_000, default: 0), facets: facets,
            facetLimit: try parameters.integer("facet.limit", in: 1...1_000, default: 50))
        let result = try await openData.search(search)
        var organizations: [String: DataOrganization] = [:]
        for organization in try await openData.organizations() { organizations[organization.name] = organization }
        var facetCounts: [String: JSONValue] = [:]
        var searchFacets: [String: JSONValue] = [:]
        for (field, counts) in result.facets {
            facetCounts[field.rawValue] = .object(
                Dictionary(counts.map { ($0.value, JSONValue.number(Double($0.count))) }) { a, _ in a })
            searchFacets[field.rawValue] = .object([
                "title": .string(field.rawValue),
                "items": .array(
                    counts.map { item in
                        .object([
                            "name": .string(item.value), "display_name": .string(item.value),
                            "count": .number(Double(item.count)),
                        ])
                    }),
            ])
        }
        return .object([
            "count": .number(Double(result.count)), "sort": .string(sortText),
            "results": .array(
                result.datasets.map { representation.package($0, organization: organizations[$0.organization]) }),
            "facets": .object(facetCounts), "search_facets": .object(searchFacets),
        ])
    }

    /// `score desc, metadata_modified desc`: known fields, `asc` or `desc`.
    static func sort(_ text: String) throws(OpenDataError) -> [DatasetSort] {
        try text.split(separator: ",").prefix(5).map { part throws(OpenDataError) in
            let words = part.split(separator: " ")
            guard (1...2).contains(words.count), let key = DatasetSort.Key(rawValue: String(words[0])),
                words.count == 1 || words[1] == "asc" || words[1] == "desc"
            else {
                throw .validation([
                    "sort": [
                        "Sort by one of \(DatasetSort.Key.allCases.map(\.rawValue).joined(separator: ", ")), then asc or desc"
                    ]
                ])
            }
            return DatasetSort(key: key, descending: words.count == 2 && words[1] == "desc")
        }
    }
}
