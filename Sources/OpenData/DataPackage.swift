import Foundation
import Registries

/// A dataset as a Frictionless Tabular Data Package (`datapackage.json`): one resource per
/// loaded table, its Table Schema, and the address of its CSV.
public enum DataPackage {
    public static func json(_ dataset: Dataset, base: String) -> String {
        let license = DataLicense.named(dataset.licenseID)
        var resources: [[String: JSONValue]] = []
        var used: Set<String> = []
        for resource in dataset.resources {
            guard let table = resource.datastore else { continue }
            // Resource names are unique, lower case a–z, 0–9, '.', '_', '-' (the specification's pattern).
            var name = String(
                resource.name.text(.en).lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
            if name.isEmpty || used.contains(name) { name = "resource-" + resource.id.prefix(8) }
            used.insert(name)
            let fields: [JSONValue] = table.schema.fields.map { field in
                .object(["name": .string(field.name), "type": .string(field.type.rawValue)])
            }
            let path = base + "/resources/" + resource.id + "/data.csv"
            resources.append([
                "name": .string(name), "title": .string(resource.name.text(.en)), "profile": "tabular-data-resource",
                "path": .string(path), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": .object(["fields": .array(fields)]),
            ])
        }
        var package: [String: JSONValue] = [
            "profile": .string("tabular-data-package"), "name": .string(dataset.name),
            "id": .string(base + "/datasets/" + dataset.name),
            "title": .string(dataset.title.text(.en)), "version": .string("\(dataset.version).0.0"),
            "keywords": .array(dataset.tags.map { .string($0) }), "resources": .array(resources.map { .object($0) }),
            "homepage": .string(base + "/datasets/" + dataset.name),
        ]
        if !dataset.notes.values.isEmpty { package["description"] = .string(dataset.notes.text(.en)) }
        if let license {
            package["licenses"] = .array([
                .object(["name": .string(license.id), "path": .string(license.url), "title": .string(license.title)])
            ])
        }
        return JSONValue.object(package).canonicalJSON
    }
}
