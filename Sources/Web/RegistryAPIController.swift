import Core
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Registries

/// The GovStack Digital Registries Data API (v1.3.0) over our registries, for other agencies'
/// systems: bearer token, `Information-Mediator-Client` naming the calling subsystem, and a
/// purpose (`purpose`, `caseNumber` query parameters) for registries about people.
/// Paths are accepted in both spellings the specification uses (camelCase and kebab-case).
struct RegistryAPIController: Sendable {
    let identity: IdentityService
    let registries: RegistryService
    let idempotency: IdempotentWrites

    func register(on router: some RouterMethods<AppRequestContext>) {
        for route in [Route.personalDataUsage, .personalDataUsageKebab] {
            router.get(route.pattern, use: personalDataUsage)
        }
        router.get(Route.registryList.pattern, use: list)
        router.post(Route.registryCreate.pattern, use: create)
        router.post(Route.registryExists.pattern, use: exists)
        router.post(Route.registryRead.pattern, use: read)
        router.put(Route.registryUpdate.pattern, use: update)
        for route in [Route.registryUpdateEntries, .registryUpdateEntriesKebab] {
            router.put(route.pattern, use: updateEntries)
        }
        for route in [Route.registryUpdateOrCreate, .registryUpdateOrCreateKebab] {
            router.post(route.pattern, use: updateOrCreate)
        }
        router.delete(Route.registryDelete.pattern, use: delete)
        for route in [Route.registryReadValue, .registryReadValueKebab] {
            router.get(route.pattern, use: readValue)
        }
        router.get(Route.apiRegistries.pattern, use: registries)
        router.get(Route.apiSchema.pattern, use: schema)
        router.post(Route.apiSchemas.pattern, use: publishSchema)
    }

    // MARK: registry descriptions (platform API)

    /// Every registry: owner, titles, versions, key, searchable and personal fields. Public.
    @Sendable func registries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let catalogue = try await registries.catalogue()
        let items = catalogue.registries.values.sorted { $0.name < $1.name }.map { registry in
            RegistryDescription(
                name: registry.name, ownerAgency: registry.ownerAgency, title: registry.title,
                versions: registry.versions.keys.sorted(), latestVersion: registry.latestVersion,
                key: registry.latest?.key ?? "", personalField: registry.latest?.personal,
                searchable: registry.latest?.indexed ?? [],
                readableBy: catalogue.access[registry.name]?.keys.sorted() ?? [])
        }
        return try JSONResponse.make(items)
    }

    /// One schema version, as it was published. Public.
    @Sendable func schema(_ request: Request, context: AppRequestContext) async throws -> Response {
        let registry = try await registries.registry(try context.parameters.require("registry"))
        let (_, schema) = try await registries.schema(
            registry, version: try context.parameters.require("version"))
        return Response(
            status: .ok, headers: [.contentType: "application/schema+json"],
            body: .init(byteBuffer: ByteBuffer(string: schema.source)))
    }

    /// Publishes the next schema version of a registry the client's agency owns (`registry:write`);
    /// refused with the paths at fault when it is not valid or could break stored records.
    @Sendable func publishSchema(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let client = context.apiClient else { throw DomainError.unauthenticated }
        let name = try context.parameters.require("registry")
        let body = try await JSONResponse.body(of: request)
        return try await idempotency.run(request, client: client, body: body) {
            let version = try await registries.publish(
                name, schemaJSON: String(decoding: body, as: UTF8.self),
                by: .system(client, application: "KG/GOV/\(client.agencyCode)/\(client.id)"))
            return try JSONResponse.reply(
                ["registry": name, "version": String(version)], status: .created,
                location: Route.apiSchema.path(name, String(version)))
        }
    }

    /// The header names for the calling subsystem: GovStack's, the Information Mediator spec's, X-Road's.
    static let clientHeaders = ["Information-Mediator-Client", "X-GovStack-Client", "X-Road-Client"].compactMap {
        HTTPField.Name($0)
    }

    /// The calling system, with its subsystem name; 401 without a token, 403 without `scope` (before
    /// anything of the request is looked at), 400 without the header, 403 when the header names a
    /// member other than the token's agency.
    func caller(_ request: Request, _ context: AppRequestContext, needing scope: Scope) throws -> RegistryCaller {
        let client = try context.client(requiring: scope)
        guard let value = Self.clientHeaders.lazy.compactMap({ request.headers[$0] }).first else {
            throw ValidationError(field: "Information-Mediator-Client", messageKey: "error_required")
        }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty }), value.count <= 255 else {
            throw ValidationError(field: "Information-Mediator-Client", messageKey: "error_client_header")
        }
        // The member is who reads, and the person is shown that name: it must be the token's own agency.
        guard parts[2] == client.agencyCode else { throw DomainError.forbidden }
        return .system(client, application: value)
    }

    /// The purpose from `purpose` and `caseNumber`; nil when no purpose was given at all.
    static func purpose(_ request: Request) throws -> Purpose? {
        let parameters = request.uri.queryParameters
        guard let basis = parameters["purpose"].map(String.init) else { return nil }
        return try Purpose(legalBasis: basis, caseNumber: parameters["caseNumber"].map(String.init) ?? "")
    }

    static func reason(_ request: Request) -> String { request.uri.queryParameters["reason"].map(String.init) ?? "" }

    private func names(_ context: AppRequestContext) throws -> (String, String) {
        (try context.parameters.require("registry"), try context.parameters.require("version"))
    }

    // MARK: reading

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryRead)
        let (name, version) = try names(context)
        let parameters = request.uri.queryParameters
        var query = RecordQuery()
        for (key, value) in parameters where key.hasPrefix("query.") {
            query.equals[String(key.dropFirst(6))] = String(value)
        }
        if let search = parameters["search"].map(String.init), !search.isEmpty {
            let registry = try await registries.registry(name)
            let field = parameters["filter"].map(String.init) ?? registry.latest?.key ?? ""
            query.prefix = (field, search)
        }
        query.page = try Self.integer(parameters["page"], field: "page", in: 1...1_000_000) ?? 1
        query.pageSize = try Self.integer(parameters["pageSize"], field: "pageSize", in: 1...1_000) ?? 10
        query.descending = parameters["ordering"].map { $0.lowercased().hasPrefix("desc") } ?? false
        let page = try await registries.list(
            name, version: version, query: query, by: caller, purpose: try Self.purpose(request))
        var body = ListBody(count: page.total, next: nil, previous: nil, results: page.records.map(\.content))
        if page.page * page.pageSize < page.total { body.next = Self.link(request, page: page.page + 1) }
        if page.page > 1 { body.previous = Self.link(request, page: page.page - 1) }
        return try JSONResponse.make(body)
    }

    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryRead)
        let (name, version) = try names(context)
        let body = try JSONResponse.decode(QueryBody.self, from: try await JSONResponse.body(of: request))
        do {
            let record = try await registries.read(
                name, version: version, match: body.query.content, by: caller, purpose: try Self.purpose(request))
            return try JSONResponse.make(ContentBody(content: record.content), ledgerIndex: nil)
        } catch DomainError.notFound {
            // The specification's 404 body: `detail` is exactly "no record found".
            return Problem.make(.notFound, key: "not_found", language: context.language, detail: "no record found")
                .response()
        }
    }

    @Sendable func exists(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryRead)
        let (name, version) = try names(context)
        let body = try JSONResponse.decode(QueryBody.self, from: try await JSONResponse.body(of: request))
        let found = try await registries.exists(
            name, version: version, match: body.query.content, by: caller, purpose: try Self.purpose(request))
        return try JSONResponse.make([
            "answer": Answer(
                status: found, message: found ? "Object found from database" : "Object not found from database")
        ])
    }

    @Sendable func readValue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryRead)
        let (name, version) = try names(context)
        let file = try context.parameters.require("file")
        guard let dot = file.lastIndex(of: "."), file[file.index(after: dot)...].lowercased() == "json" else {
            throw ValidationError(field: "ext", messageKey: "error_extension_json")
        }
        let field = String(file[..<dot])
        let value = try await registries.readValue(
            name, version: version, key: try context.parameters.require("id"), field: field,
            by: caller, purpose: try Self.purpose(request))
        return try JSONResponse.make(["value": value])
    }

    /// "Who looked at my data" for GovStack clients: a signed-in person for themselves, or a
    /// system holding `datausage:read` (the state portal's back end) for anyone.
    @Sendable func personalDataUsage(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Who asks comes before what they ask: without credentials the answer is 401, whatever the query.
        guard context.apiClient != nil || context.principal != nil else { throw DomainError.unauthenticated }
        if let client = context.apiClient { try AccessPolicy.require(.dataUsageRead, of: client) }
        guard let userID = request.uri.queryParameters["userId"].map(String.init), !userID.isEmpty else {
            throw ValidationError(field: "userId", messageKey: "error_required")
        }
        if let client = context.apiClient {
            try AccessPolicy.require(.dataUsageRead, of: client)
        } else if let principal = context.principal {
            guard principal.pin == userID else { throw DomainError.forbidden }
        } else {
            throw DomainError.unauthenticated
        }
        let pin = try PIN(userID, field: "userId")
        let database = request.uri.queryParameters["databaseId"].map(String.init)
        let agencies = try await identity.agencies()
        let usage = try await registries.accessLog(pin: pin.value)
            .filter { database == nil || database == "" || $0.registry == database }
            .map { PersonalDataUsage($0, agencies: agencies) }
        return try JSONResponse.make(usage)
    }

    // MARK: writing

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryWrite)
        let (name, version) = try names(context)
        let bytes = try await JSONResponse.body(of: request)
        return try await writing(request, caller, bytes) {
            let body = try JSONResponse.decode(WriteBody.self, from: bytes)
            let record = try await registries.create(
                name, version: version, content: body.write.content, by: caller, reason: Self.reason(request))
            return try JSONResponse.reply(ContentBody(content: record.content), ledgerIndex: record.ledgerIndex)
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context, all: false)
    }

    @Sendable func updateEntries(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context, all: true)
    }

    private func change(_ request: Request, _ context: AppRequestContext, all: Bool) async throws -> Response {
        let caller = try caller(request, context, needing: .registryWrite)
        let (name, version) = try names(context)
        let bytes = try await JSONResponse.body(of: request)
        return try await writing(request, caller, bytes) {
            let body = try JSONResponse.decode(QueryWriteBody.self, from: bytes)
            let records = try await registries.update(
                name, version: version, match: body.query.content, changes: body.write.content,
                all: all, by: caller, reason: Self.reason(request))
            if all { return try JSONResponse.reply(["count": records.count], ledgerIndex: records.last?.ledgerIndex) }
            return try JSONResponse.reply(ContentBody(content: records[0].content), ledgerIndex: records[0].ledgerIndex)
        }
    }

    @Sendable func updateOrCreate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryWrite)
        let (name, version) = try names(context)
        let bytes = try await JSONResponse.body(of: request)
        return try await writing(request, caller, bytes) {
            let body = try JSONResponse.decode(QueryWriteBody.self, from: bytes)
            let result = try await registries.updateOrCreate(
                name, version: version, match: body.query.content, changes: body.write.content,
                by: caller, reason: Self.reason(request))
            return try JSONResponse.reply(
                ContentBody(content: result.record.content), ledgerIndex: result.record.ledgerIndex)
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try caller(request, context, needing: .registryWrite)
        let (name, version) = try names(context)
        let id = try context.parameters.require("id")
        return try await writing(request, caller, Data()) {
            let record = try await registries.delete(
                name, version: version, key: id, by: caller, reason: Self.reason(request))
            var reply = try JSONResponse.reply([String: String](), status: .noContent, ledgerIndex: record.ledgerIndex)
            reply.body = Data()
            return reply
        }
    }

    /// Writes honour `Idempotency-Key` like the rest of the API.
    private func writing(
        _ request: Request, _ caller: RegistryCaller, _ body: Data, _ work: () async throws -> JSONReply
    ) async throws -> Response {
        guard case .system(let client, _) = caller else { throw DomainError.forbidden }
        return try await idempotency.run(request, client: client, body: body, work)
    }

    // MARK: helpers

    static func integer(_ text: Substring?, field: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text else { return nil }
        return try RequestNumber.require(text, field: field, in: range)
    }

    /// The same request for another page.
    static func link(_ request: Request, page: Int) -> String {
        var items = request.uri.queryParameters.filter { $0.key != "page" }.map {
            "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        items.append("page=\(page)")
        return request.uri.path + "?" + items.sorted().joined(separator: "&")
    }
}

/// `{"query": {"content": {...}}}`
struct QueryBody: Decodable {
    struct Query: Decodable { var content: RecordContent }
    var query: Query
}

/// `{"write": {"content": {...}}}`
struct WriteBody: Decodable {
    var write: QueryBody.Query
}

/// `{"query": {...}, "write": {...}}`
struct QueryWriteBody: Decodable {
    var query: QueryBody.Query
    var write: QueryBody.Query
}

/// `{"content": {...}}`
struct ContentBody: Encodable {
    var content: RecordContent
}

/// The list answer: total, links to neighbouring pages, and the records.
struct ListBody: Encodable {
    var count: Int
    var next: String?
    var previous: String?
    var results: [RecordContent]

    enum CodingKeys: CodingKey { case count, next, previous, results }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(next, forKey: .next)  // explicit null, as the specification shows
        try container.encode(previous, forKey: .previous)
        try container.encode(results, forKey: .results)
    }
}

/// The `exists` answer.
struct Answer: Encodable {
    var status: Bool
    var message: String
}

/// GovStack's PersonalDataUsage, plus the ledger entry that proves the read.
struct PersonalDataUsage: Encodable {
    struct Reference: Encodable {
        var referenceID: String
        enum CodingKeys: String, CodingKey { case referenceID = "ReferenceID" }
    }
    var id: String
    var readerId: String
    var readerInitials: String
    var readerInstitutionId: String
    var readerInstitutionName: String
    var readerApplicationName: String
    var searchDateTime: String
    /// Spelled as in the specification.
    var refrences: [Reference]
    var registry: String
    var legalBasis: String
    var caseNumber: String
    var ledgerIndex: Int?
    var ledgerReceipt: String?

    init(_ access: DataAccess, agencies: [Agency]) {
        id = access.id
        readerId =
            access.readerKind == "official"
            ? "official:" + String(access.readerID.suffix(4)) : "system:" + access.readerID
        readerInitials =
            access.readerKind == "official"
            ? access.readerName.split(separator: " ").compactMap(\.first).map(String.init).joined() : ""
        readerInstitutionId = access.agencyCode
        readerInstitutionName = agencies.first { $0.code == access.agencyCode }?.name.en ?? access.agencyCode
        readerApplicationName =
            access.application.isEmpty
            ? (access.readerKind == "official" ? "Taza Koom back office" : access.readerName) : access.application
        searchDateTime = CalendarDate.utcTimestamp(access.at)
        refrences = [Reference(referenceID: "\(access.registry)/\(access.recordKey)")]
        registry = access.registry
        legalBasis = access.legalBasis
        caseNumber = access.caseNumber
        ledgerIndex = access.ledgerIndex
        ledgerReceipt = access.ledgerIndex.map { Route.receipt.path(String($0)) }
    }
}

/// A registry as `/api/v1/registries` describes it.
struct RegistryDescription: Encodable {
    var name: String
    var ownerAgency: String
    var title: LocalizedName
    var versions: [Int]
    var latestVersion: Int
    var key: String
    var personalField: String?
    var searchable: [String]
    var readableBy: [String]
}
