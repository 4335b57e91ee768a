import Core
import Foundation
import OpenData
import Registries

/// CKAN's write actions: `package_create`, `package_patch` (and `package_update`, which here
/// also changes only the fields it is given, so a client cannot drop resources by leaving them
/// out), `resource_create` with a link or an uploaded CSV.
struct CKANWrites {
    let openData: OpenDataService
    let representation: CKANRepresentation

    func perform(_ action: String, _ parameters: CKANParameters, by publisher: Publisher) async throws -> JSONValue {
        switch action {
        case "package_create":
            let dataset = try await openData.create(try input(parameters), by: publisher)
            return representation.package(dataset, organization: try? await openData.organization(dataset.organization))
        case "package_patch", "package_update":
            let dataset = try await openData.update(try parameters.required("id"), try input(parameters), by: publisher)
            return representation.package(dataset, organization: try? await openData.organization(dataset.organization))
        case "resource_patch":
            // Ours: a new Table Schema for a loaded table (the only thing of a resource that changes).
            guard let schema = try self.schema(parameters) else {
                throw OpenDataError.validation(["schema": ["Give the table's schema with the types to use."]])
            }
            let (dataset, resource) = try await openData.retype(
                try parameters.required("id"), to: schema, by: publisher)
            let position = dataset.resources.firstIndex { $0.id == resource.id } ?? 0
            return representation.resource(resource, dataset: dataset, position: position)
        default:
            return try await resourceCreate(parameters, file: nil, by: publisher)
        }
    }

    func resourceCreate(_ parameters: CKANParameters, file: URL?, by publisher: Publisher) async throws -> JSONValue {
        let language = representation.language
        let input = ResourceInput(
            name: try parameters.translated("name", language: language) ?? TranslatedText([:]),
            description: try parameters.translated("description", language: language) ?? TranslatedText([:]),
            format: try parameters.string("format") ?? "", url: try parameters.string("url") ?? "")
        let schema = try self.schema(parameters)
        let (dataset, resource) = try await openData.addResource(
            to: try parameters.required("package_id"), input, file: file, schema: schema, by: publisher)
        return representation.resource(resource, dataset: dataset, position: dataset.resources.count - 1)
    }

    private func input(_ parameters: CKANParameters) throws(OpenDataError) -> DatasetInput {
        let language = representation.language
        return DatasetInput(
            name: try parameters.string("name"), title: try parameters.translated("title", language: language),
            notes: try parameters.translated("notes", language: language),
            organization: try parameters.string("owner_org"),
            licenseID: try parameters.string("license_id"), tags: try names(parameters, "tags"),
            themes: try names(parameters, "groups").map { $0.map { $0.uppercased() } },
            maintainerEmail: try parameters.string("maintainer_email"), frequency: try parameters.string("frequency"))
    }

    /// CKAN's `tags` and `groups`: a list of `{"name": …}` objects (or plain names).
    private func names(_ parameters: CKANParameters, _ field: String) throws(OpenDataError) -> [String]? {
        guard case .array(let items)? = parameters.values[field] else {
            return parameters.values[field] == nil ? nil : try parameters.list(field)
        }
        return try items.map { item throws(OpenDataError) in
            switch item {
            case .string(let name): return name
            case .object(let object):
                guard case .string(let name)? = object["name"] else {
                    throw .validation([field: ["Each needs a name"]])
                }
                return name
            default: throw .validation([field: ["A list of names"]])
            }
        }
    }

    /// An edited Table Schema for an upload: `{"fields": [{"name": …, "type": …}]}`, as an object or its JSON text.
    private func schema(_ parameters: CKANParameters) throws(OpenDataError) -> TableSchema? {
        let data: Data
        switch parameters.values["schema"] {
        case nil, .null?: return nil
        case .string(let text)?: data = Data(text.utf8)
        case let value?: data = Data(value.canonicalJSON.utf8)
        }
        guard let schema = try? JSONDecoder().decode(TableSchema.self, from: data), !schema.fields.isEmpty else {
            throw .validation([
                "schema": [
                    "A Table Schema: {\"fields\": [{\"name\": …, \"type\": one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))}]}"
                ]
            ])
        }
        return schema
    }
}
