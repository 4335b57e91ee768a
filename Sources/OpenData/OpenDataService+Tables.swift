import Core
import Foundation
import Ledger
import Registries

extension OpenDataService {
    /// Rows per read when a whole table is read (downloads, re-typing).
    public static let pageRows = 5_000

    /// Reads a loaded table whole, `pageRows` rows at a time in `_id` order (no OFFSET: each page
    /// starts after the last `_id`), handing each page's cells (without `_id`) to `body`.
    public func forEachPage(
        of resource: DataResource, _ body: ([ArraySlice<JSONValue>]) async throws -> Void
    ) async throws {
        guard let table = resource.datastore else { return }
        let name = DatastoreTableName(resourceID: resource.id, version: table.version)
        var after = 0
        while true {
            let rows = try await store.rows(
                DatastoreQuery(
                    table: name, schema: table.schema, fields: Array(table.schema.fields.indices), limit: Self.pageRows,
                    afterID: after)
            ).records
            guard let last = rows.last, case .number(let lastID) = last[0] else { return }
            try await body(rows.map { $0.dropFirst() })
            after = Int(lastID)
            if rows.count < Self.pageRows { return }
        }
    }

    /// A cell as CSV writes it: empty for null, text as it is, numbers and booleans in JSON.
    public static func cellText(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text
        default: value.canonicalJSON
        }
    }

    /// Gives a loaded table the column types of `schema` (the Table Schema edited by its
    /// publisher): the rows are checked against it and stored again as the resource's next data
    /// version, in the dataset's next version; the earlier table stays with the earlier version.
    /// A value that does not fit changes nothing and is named in the error.
    public func retype(_ resourceID: String, to schema: TableSchema, by publisher: Publisher) async throws -> (
        Dataset, DataResource
    ) {
        var (resource, dataset) = try await resource(resourceID)
        _ = try await authorized(dataset, publisher)
        guard let current = resource.datastore else {
            throw OpenDataError.validation(["schema": ["Only a table loaded in the datastore has a schema."]])
        }
        guard schema.fields.map(\.name) == current.schema.fields.map(\.name) else {
            throw OpenDataError.validation([
                "schema": ["The schema's fields must be the table's columns, in the same order."]
            ])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tk-retype-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw OpenDataError.validation(["schema": ["The table cannot be copied for checking."]])
        }
        let handle = try FileHandle(forWritingTo: file)
        do {
            handle.write(Data(CSVWriter.line(schema.fields.map(\.name)).utf8))
            try await forEachPage(of: resource) { rows in
                handle.write(Data(rows.map { CSVWriter.line($0.map(Self.cellText)) }.joined().utf8))
            }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        let survey = try await loader.survey(file, given: schema)
        let table = DatastoreTableName(resourceID: resource.id, version: current.version + 1)
        let info = DatastoreTable(
            version: table.version, schema: schema, rows: survey.rows, bytes: survey.bytes, sha256: survey.sha256)
        resource.datastore = info
        resource.modifiedAt = clock.seconds
        dataset.resources = dataset.resources.map { $0.id == resource.id ? resource : $0 }
        dataset.version += 1
        dataset.modifiedAt = resource.modifiedAt
        try await store.createTable(table, schema: schema)
        do {
            try await loader.load(file, survey: survey, into: table, store: store)
            guard
                try await store.publish(
                    table, info, dataset: dataset, searchText: Self.searchText(dataset),
                    event: event("opendata.resource.retyped", dataset, publisher, digest: survey.sha256))
            else { throw OpenDataError.validation(Self.changedMeanwhile) }
        } catch {
            try? await store.dropTable(table)
            throw error
        }
        return (dataset, resource)
    }
}
