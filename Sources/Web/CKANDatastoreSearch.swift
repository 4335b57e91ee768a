import Foundation
import OpenData
import Registries

/// CKAN's `datastore_search`: filters, q, fields, sort, limit, offset, include_total (on by
/// default, as in CKAN) and records_format, over a resource's loaded table.
struct CKANDatastoreSearch {
    let openData: OpenDataService
    let representation: CKANRepresentation

    enum RecordsFormat: String { case objects, lists, csv, tsv }

    func perform(_ parameters: CKANParameters) async throws -> JSONValue {
        let id = try parameters.string("resource_id") ?? parameters.required("id")
        let (resource, _) = try await openData.resource(id)
        guard let table = resource.datastore else {
            throw OpenDataError.notFound("Resource \"\(id.prefix(60))\" has no datastore table")
        }
        let schema = table.schema
        let fields = try (parameters.list("fields") ?? schema.fields.map(\.name)).map { name throws(OpenDataError) in
            guard let index = schema.index(of: name) else {
                throw .validation(["fields": ["field \"\(name.prefix(60))\" not in table"]])
            }
            return index
        }
        let limit = try parameters.integer("limit", in: 0...32_000, default: 100)
        let offset = try parameters.integer("offset", in: 0...Int(Int32.max), default: 0)
        let includeTotal = try parameters.bool("include_total", default: true)
        guard let format = RecordsFormat(rawValue: try parameters.string("records_format") ?? "objects") else {
            throw OpenDataError.validation(["records_format": ["One of objects, lists, csv, tsv"]])
        }
        let query = DatastoreQuery(
            table: DatastoreTableName(resourceID: resource.id, version: table.version), schema: schema,
            filters: try filters(parameters, schema),
            text: try parameters.string("q").flatMap { $0.isEmpty ? nil : String($0.prefix(200)) },
            fields: fields, sort: try sort(parameters, schema), limit: limit, offset: offset,
            includeTotal: includeTotal, rowCount: table.rows)
        let rows = try await openData.store.rows(query)
        let names = ["_id"] + query.fields.map { schema.fields[$0].name }
        var result: [String: JSONValue] = [
            "resource_id": .string(resource.id),
            "fields": .array(
                [.object(["id": "_id", "type": "int"])]
                    + query.fields.map {
                        .object([
                            "id": .string(schema.fields[$0].name), "type": .string(schema.fields[$0].type.ckanType),
                        ])
                    }),
            "records": records(rows.records, names: names, format: format), "limit": .number(Double(limit)),
            "offset": .number(Double(offset)), "include_total": .bool(includeTotal),
            "records_format": .string(format.rawValue),
            "_links": .object([
                "start": .string(Route.ckanAction.path("datastore_search") + "?resource_id=\(resource.id)"),
                "next": .string(
                    Route.ckanAction.path("datastore_search") + "?resource_id=\(resource.id)&offset=\(offset + limit)"),
            ]),
        ]
        if let total = rows.total {
            result["total"] = .number(Double(total))
            result["total_was_estimated"] = .bool(false)
        }
        return .object(result)
    }

    /// `{"field": value}` or `{"field": [values]}`, as an object or its JSON text.
    private func filters(_ parameters: CKANParameters, _ schema: TableSchema) throws(OpenDataError) -> [(
        field: Int, values: [String]
    )] {
        var object: [String: JSONValue]
        switch parameters.values["filters"] {
        case nil, .null?: return []
        case .object(let given)?: object = given
        case .string(let text)?:
            guard case .object(let given)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                throw .validation(["filters": ["Not a JSON object"]])
            }
            object = given
        default: throw .validation(["filters": ["Not a JSON object"]])
        }
        guard object.count <= 20 else { throw .validation(["filters": ["At most 20 filters"]]) }
        return try object.sorted { $0.key < $1.key }.map { name, value throws(OpenDataError) in
            guard let index = schema.index(of: name) else {
                throw .validation(["filters": ["field \"\(name.prefix(60))\" not in table"]])
            }
            let values: [JSONValue]
            if case .array(let items) = value { values = items } else { values = [value] }
            guard (1...100).contains(values.count) else {
                throw .validation(["filters": ["1 to 100 values per field"]])
            }
            let texts = try values.map { value throws(OpenDataError) -> String in
                let text: String
                switch value {
                case .string(let string): text = string
                case .number, .bool: text = value.canonicalJSON
                default: throw .validation(["filters": ["Values are text, numbers or true/false"]])
                }
                guard !text.isEmpty, schema.fields[index].type.accepts(Substring(text)) else {
                    throw .validation([
                        "filters": [
                            "\"\(text.prefix(40))\" is not a \(schema.fields[index].type.rawValue) (field \"\(name.prefix(60))\")"
                        ]
                    ])
                }
                return text
            }
            return (index, texts)
        }
    }

    /// `field asc, field2 desc`.
    private func sort(_ parameters: CKANParameters, _ schema: TableSchema) throws(OpenDataError) -> [(
        field: Int?, descending: Bool
    )] {
        guard let text = try parameters.string("sort"), !text.isEmpty else { return [] }
        return try text.split(separator: ",").prefix(5).map { part throws(OpenDataError) in
            let words = part.split(separator: " ")
            let name = words.first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? ""
            guard (1...2).contains(words.count), words.count == 1 || ["asc", "desc"].contains(words[1].lowercased())
            else {
                throw .validation(["sort": ["Write \"field asc\" or \"field desc\", separated by commas"]])
            }
            let descending = words.count == 2 && words[1].lowercased() == "desc"
            if name == "_id" { return (nil, descending) }
            guard let index = schema.index(of: name) else {
                throw .validation(["sort": ["field \"\(name.prefix(60))\" not in table"]])
            }
            return (index, descending)
        }
    }

    private func records(_ rows: [[JSONValue]], names: [String], format: RecordsFormat) -> JSONValue {
        switch format {
        case .objects: return .array(rows.map { .object(Dictionary(uniqueKeysWithValues: zip(names, $0))) })
        case .lists: return .array(rows.map { .array($0) })
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            return .string(
                rows.map { row in
                    let cells = row.map(OpenDataService.cellText)
                    return format == .csv
                        ? CSVWriter.line(cells)
                        : cells.map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: separator) + "\n"
                }.joined())
        }
    }
}
