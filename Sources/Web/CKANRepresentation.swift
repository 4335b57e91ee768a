import Core
import Foundation
import OpenData
import Registries

/// Datasets, resources and organizations as CKAN's API writes them (`package_show` and the rest),
/// with the translated fields of CKAN's fluent extension (`title_translated`) beside them.
struct CKANRepresentation {
    /// Scheme and host, for absolute download links.
    let base: String
    let language: Language

    func package(_ dataset: Dataset, organization: DataOrganization?) -> JSONValue {
        let license = DataLicense.named(dataset.licenseID)
        return .object([
            "id": .string(dataset.id), "name": .string(dataset.name), "type": "dataset", "state": "active",
            "private": .bool(false), "title": .string(dataset.title.text(language)),
            "title_translated": translated(dataset.title), "notes": .string(dataset.notes.text(language)),
            "notes_translated": translated(dataset.notes), "license_id": .string(dataset.licenseID),
            "license_title": .string(license?.title ?? dataset.licenseID), "license_url": .string(license?.url ?? ""),
            "isopen": .bool(license != nil), "owner_org": .string(organization?.name ?? dataset.organization),
            "organization": organization.map(self.organization) ?? .null,
            "maintainer_email": .string(dataset.maintainerEmail), "frequency": .string(dataset.frequency),
            "version": .string(String(dataset.version)),
            "metadata_created": .string(Self.time(dataset.createdAt)),
            "metadata_modified": .string(Self.time(dataset.modifiedAt)),
            "tags": .array(
                dataset.tags.map { tag in
                    .object(["name": .string(tag), "display_name": .string(tag), "state": "active"])
                }),
            "groups": .array(
                dataset.themes.map { theme in
                    .object([
                        "name": .string(theme.lowercased()), "title": .string(theme), "display_name": .string(theme),
                    ])
                }),
            "resources": .array(dataset.resources.enumerated().map { resource($1, dataset: dataset, position: $0) }),
            "num_resources": .number(Double(dataset.resources.count)), "num_tags": .number(Double(dataset.tags.count)),
            "extras": .array([]), "url": .string(base + Route.dataset.path(dataset.name)),
        ])
    }

    func resource(_ resource: DataResource, dataset: Dataset, position: Int) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(resource.id), "package_id": .string(dataset.id),
            "name": .string(resource.name.text(language)), "name_translated": translated(resource.name),
            "description": .string(resource.description.text(language)),
            "description_translated": translated(resource.description), "format": .string(resource.format),
            "position": .number(Double(position)), "state": "active",
            "created": .string(Self.time(resource.createdAt)), "last_modified": .string(Self.time(resource.modifiedAt)),
            "datastore_active": .bool(resource.datastore != nil),
        ]
        if let table = resource.datastore {
            fields["url"] = .string(base + Route.resourceCSV.path(resource.id))
            fields["url_type"] = "upload"
            fields["mimetype"] = "text/csv"
            fields["size"] = .number(Double(table.bytes))
            fields["hash"] = .string("sha256:" + table.sha256)
            fields["rows"] = .number(Double(table.rows))
            fields["schema"] = schema(table.schema)
        } else {
            fields["url"] = .string(resource.url)
            fields["url_type"] = .null
        }
        return .object(fields)
    }

    func organization(_ organization: DataOrganization) -> JSONValue {
        .object([
            "id": .string(organization.name), "name": .string(organization.name),
            "title": .string(organization.title.text(language)), "title_translated": translated(organization.title),
            "description": .string(organization.description.text(language)), "type": "organization",
            "is_organization": .bool(true), "state": "active", "approval_status": "approved",
        ])
    }

    /// A Table Schema (Frictionless) as JSON.
    func schema(_ schema: TableSchema) -> JSONValue {
        .object([
            "fields": .array(
                schema.fields.map { field in
                    .object(["name": .string(field.name), "type": .string(field.type.rawValue)])
                })
        ])
    }

    func translated(_ text: TranslatedText) -> JSONValue { .object(text.values.mapValues { .string($0) }) }

    /// CKAN's times: UTC, microseconds, no zone designator.
    static func time(_ seconds: Int) -> String {
        String(CalendarDate.utcTimestamp(seconds).dropLast()) + ".000000"
    }
}
