import Core
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import OpenData
import Registries

/// CKAN's Action API v3 over the open-data portal (`/api/3/action/{name}` and `/api/action/{name}`):
/// reads by GET or POST, writes by POST with an API token holding `opendata:write`. Answers and
/// errors use CKAN's envelope, error types and statuses, so CKAN's clients (`ckanapi`) work unchanged.
struct CKANController: Sendable {
    let openData: OpenDataService
    /// Where read actions go: `openData`, or the same data on a streaming replica.
    let reads: OpenDataService
    let clock: Clock

    /// The largest JSON body an action takes.
    static let maximumJSONBytes = 1 << 20

    /// The actions that change something: POST only, and only with a token.
    static let writes: Set<String> = [
        "package_create", "package_patch", "package_update", "resource_create", "resource_patch",
    ]
    static let reads: Set<String> = [
        "package_list", "package_show", "package_search", "organization_list", "organization_show", "resource_show",
        "tag_list", "datastore_search", "site_read", "status_show",
    ]

    func register(on router: some RouterMethods<AppRequestContext>) {
        for route in [Route.ckanAction, .ckanActionUnversioned] {
            router.get(route.pattern, use: action)
            router.post(route.pattern, use: action)
        }
    }

    @Sendable func action(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("action") ?? ""
        let base = PublicAddress.base(of: request)
        let help =
            base + Route.ckanAction.path("help_show") + "?name="
            + (Self.reads.union(Self.writes).contains(name) ? name : "")
        let representation = CKANRepresentation(base: base, language: context.language)
        do {
            guard Self.reads.contains(name) || Self.writes.contains(name) else {
                throw OpenDataError.badRequest("Bad request - Action name not known: \(name.prefix(80))")
            }
            if Self.writes.contains(name) && request.method != .post {
                throw OpenDataError.badRequest(
                    "Bad request - JSON Error: Invalid request. Please use POST method for your request")
            }
            var request = request
            let result: JSONValue
            if name == "resource_create", let boundary = RequestForm.boundary(of: request) {
                let upload = try await CKANUpload.receive(
                    request, boundary: boundary, limit: openData.loader.maximumBytes)
                defer { upload.discard() }
                result = try await CKANWrites(openData: openData, representation: representation).resourceCreate(
                    upload.parameters, file: upload.file, by: try publisher(context))
            } else {
                let parameters = try await Self.parameters(&request)
                if Self.writes.contains(name) {
                    result = try await CKANWrites(openData: openData, representation: representation).perform(
                        name, parameters, by: try publisher(context))
                } else {
                    result = try await CKANReads(openData: reads, representation: representation, clock: clock)
                        .perform(
                            name, parameters)
                }
            }
            return Self.envelope(["help": .string(help), "success": .bool(true), "result": result], status: .ok)
        } catch let error as OpenDataError {
            return Self.failure(error, help: help)
        } catch let error as SearchQueryError {
            return Self.failure(.searchQuery(error.description), help: help)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Self.failure(.validation(["upload": ["The body is too large."]]), help: help)
        }
    }

    private func publisher(_ context: AppRequestContext) throws(OpenDataError) -> Publisher {
        guard let client = context.apiClient, client.revokedAt == nil, client.scopes.contains(.openDataWrite) else {
            throw .notAuthorized("Action needs an API token with the opendata:write scope")
        }
        return Publisher(agencyCode: client.agencyCode, actor: "system:\(client.id)")
    }

    /// GET: the query string; POST: a JSON object (or a form, as old clients send).
    static func parameters(_ request: inout Request) async throws -> CKANParameters {
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        guard request.method == .post else { return CKANParameters(query: query) }
        try RequestForm.refuseDeclaredOversize(request, limit: maximumJSONBytes)
        let body = try await request.collectBody(upTo: maximumJSONBytes)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return CKANParameters(query: FormData(String(buffer: body)).values.map { ($0.key, $0.value.first ?? "") })
        }
        var parameters = try CKANParameters(json: Data(buffer: body))
        for (name, value) in query where parameters.values[name] == nil { parameters.values[name] = .string(value) }
        return parameters
    }

    static func failure(_ error: OpenDataError, help: String) -> Response {
        let (status, body): (HTTPResponse.Status, [String: JSONValue])
        switch error {
        case .notFound(let message):
            (status, body) = (.notFound, ["__type": "Not Found Error", "message": .string("Not found: \(message)")])
        case .notAuthorized(let message):
            (status, body) = (
                .forbidden, ["__type": "Authorization Error", "message": .string("Access denied: \(message)")]
            )
        case .searchQuery(let message):
            (status, body) = (
                .conflict, ["__type": "Search Query Error", "message": .string("Search Query is invalid: \(message)")]
            )
        case .badRequest(let message):
            (status, body) = (.badRequest, ["__type": "Bad Request", "message": .string(message)])
        case .validation(let problems):
            var fields = problems.mapValues { JSONValue.array($0.map { .string($0) }) }
            fields["__type"] = "Validation Error"
            (status, body) = (.conflict, fields)
        }
        return envelope(["help": .string(help), "success": .bool(false), "error": .object(body)], status: status)
    }

    static func envelope(_ object: [String: JSONValue], status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(object).canonicalJSON)))
    }
}
