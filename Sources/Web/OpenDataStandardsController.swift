import Core
import Foundation
import Hummingbird
import OpenData

/// The portal's metadata in open standards: the catalog and each dataset in DCAT-AP 3 (JSON-LD
/// and Turtle, the catalog in pages), and each dataset as a Frictionless Data Package.
struct OpenDataStandardsController: Sendable {
    let openData: OpenDataService

    /// Datasets per catalog page.
    static let catalogPage = 100

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.catalogJSONLD.pattern) { request, _ in try await catalog(request, turtle: false) }
        router.get(Route.catalogTurtle.pattern) { request, _ in try await catalog(request, turtle: true) }
        router.get(Route.datasetJSONLD.pattern) { request, context in try await dataset(request, context, turtle: false)
        }
        router.get(Route.datasetTurtle.pattern) { request, context in try await dataset(request, context, turtle: true)
        }
        router.get(Route.dataPackage.pattern, use: dataPackage)
    }

    func catalog(_ request: Request, turtle: Bool) async throws -> Response {
        let page = request.uri.queryParameters["page"].flatMap { RequestNumber.parse($0, in: 1...1_000_000) } ?? 1
        let result = try await openData.search(
            DatasetSearch(
                expression: .everything, sort: [DatasetSort(key: .name, descending: false)], rows: Self.catalogPage,
                start: (page - 1) * Self.catalogPage, facets: [], facetLimit: 1))
        let graph = DCATCatalog(base: PublicAddress.base(of: request)).catalog(
            result.datasets, organizations: try await openData.organizations(), page: page, pageSize: Self.catalogPage,
            total: result.count, pagePath: turtle ? Route.catalogTurtle.rawValue : Route.catalogJSONLD.rawValue)
        return Self.answer(graph, turtle: turtle)
    }

    func dataset(_ request: Request, _ context: AppRequestContext, turtle: Bool) async throws -> Response {
        guard let dataset = try? await openData.dataset(context.parameters.get("name") ?? "") else {
            throw DomainError.notFound
        }
        let graph = DCATCatalog(base: PublicAddress.base(of: request)).dataset(
            dataset, organization: try? await openData.organization(dataset.organization))
        return Self.answer(graph, turtle: turtle)
    }

    @Sendable func dataPackage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let dataset = try? await openData.dataset(context.parameters.get("name") ?? "") else {
            throw DomainError.notFound
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=60"],
            body: .init(
                byteBuffer: ByteBuffer(string: DataPackage.json(dataset, base: PublicAddress.base(of: request)))))
    }

    static func answer(_ graph: RDFGraph, turtle: Bool) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: turtle ? "text/turtle; charset=utf-8" : "application/ld+json",
                .cacheControl: "max-age=60",
            ],
            body: .init(byteBuffer: ByteBuffer(string: turtle ? graph.turtle() : graph.jsonLD())))
    }
}
