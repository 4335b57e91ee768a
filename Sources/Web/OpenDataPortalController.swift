import Core
import Foundation
import Hummingbird
import OpenData
import Registries

/// The open-data portal for people: a searchable list of datasets, each dataset's page with its
/// files, a preview table and chart of loaded data, fixed version pages, and full downloads of
/// loaded tables as CSV or JSON (streamed, page by page).
struct OpenDataPortalController: Sendable {
    let openData: OpenDataService
    let pages: PageRenderer

    static let pageSize = 20

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.datasets.pattern, use: list)
        router.get(Route.dataset.pattern, use: dataset)
        router.get(Route.datasetVersion.pattern, use: version)
        router.get(Route.resourceCSV.pattern, use: csv)
        router.get(Route.resourceJSON.pattern, use: json)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let q = String((query["q"].map(String.init) ?? "").prefix(200))
        let organization = query["organization"].map(String.init) ?? ""
        let theme = query["theme"].map(String.init) ?? ""
        let page = query["page"].flatMap { RequestNumber.parse($0, in: 1...10_000) } ?? 1
        let organizations = try await openData.organizations()
        var filters: [SearchExpression] = [.text(q)]
        if organizations.contains(where: { $0.name == organization }) {
            filters.append(.field(.organization, organization))
        }
        if DataTheme.codes.contains(theme) { filters.append(.field(.groups, theme)) }
        let result = try await openData.search(
            DatasetSearch(
                expression: .all(filters), sort: [DatasetSort(key: .metadataModified, descending: true)],
                rows: Self.pageSize, start: (page - 1) * Self.pageSize, facets: [], facetLimit: 1))
        let model = DatasetListPage.make(
            result: result, q: q, organization: organization, theme: theme, page: page, pageSize: Self.pageSize,
            organizations: organizations, language: context.language)
        return pages.render("datasets", titleKey: "opendata_heading", request: request, context: context, page: model)
    }

    @Sendable func dataset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let dataset = try? await openData.dataset(name) else { throw DomainError.notFound }
        return try await render(dataset, current: dataset.version, request: request, context: context)
    }

    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let number = context.parameters.get("version").flatMap({ RequestNumber.parse($0, in: 1...1_000_000) }),
            let dataset = try? await openData.dataset(name, version: number),
            let current = try? await openData.dataset(name)
        else { throw DomainError.notFound }
        return try await render(dataset, current: current.version, request: request, context: context)
    }

    private func render(_ dataset: Dataset, current: Int, request: Request, context: AppRequestContext) async throws
        -> Response
    {
        let organization = try? await openData.organization(dataset.organization)
        var previews: [String: DatastoreRows] = [:]
        for resource in dataset.resources {
            guard let table = resource.datastore else { continue }
            previews[resource.id] = try await openData.store.rows(
                DatastoreQuery(
                    table: DatastoreTableName(resourceID: resource.id, version: table.version), schema: table.schema,
                    fields: Array(table.schema.fields.indices), limit: 10))
        }
        let model = DatasetPage.make(
            dataset, organization: organization, current: current, previews: previews, language: context.language)
        return pages.render(
            "dataset", titleKey: "opendata_heading", request: request, context: context, page: model,
            naming: "— " + dataset.title.text(context.language))
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await download(request, context: context, csv: true)
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await download(request, context: context, csv: false)
    }

    /// The whole table, read `downloadChunk` rows at a time by `_id`, written as it is read.
    private func download(_ request: Request, context: AppRequestContext, csv: Bool) async throws -> Response {
        guard let id = context.parameters.get("id"), let (resource, _) = try? await openData.resource(id),
            let table = resource.datastore
        else { throw DomainError.notFound }
        let openData = self.openData
        let names = table.schema.fields.map(\.name)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: csv ? CSVWriter.line(names) : "["))
            var first = true
            try await openData.forEachPage(of: resource) { rows in
                var text = ""
                for cells in rows {
                    if csv {
                        text += CSVWriter.line(cells.map(OpenDataService.cellText))
                    } else {
                        text +=
                            (first ? "" : ",")
                            + JSONValue.object(Dictionary(uniqueKeysWithValues: zip(names, cells))).canonicalJSON
                        first = false
                    }
                }
                try await writer.write(ByteBuffer(string: text))
            }
            if !csv { try await writer.write(ByteBuffer(string: "]")) }
            try await writer.finish(nil)
        }
        let type = csv ? "text/csv; charset=utf-8" : "application/json"
        let filename = resource.id + (csv ? ".csv" : ".json")
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .contentDisposition: "attachment; filename=\"\(filename)\"",
                .cacheControl: "max-age=60",
            ],
            body: body)
    }
}
