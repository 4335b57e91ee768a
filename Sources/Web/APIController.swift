import Core
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Registries

/// The JSON API for other systems, authenticated by bearer token and limited by scope.
/// Every route here is described in `OpenAPIDocument`; a test keeps the two in step.
struct APIController: Sendable {
    let identity: IdentityService
    let registries: RegistryService
    let idempotency: IdempotentWrites

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.apiClient.pattern, use: client)
        router.get(Route.apiAgencies.pattern, use: agencies)
        router.get(Route.apiRegions.pattern, use: regions)
        router.get(Route.apiPerson.pattern, use: person)
        router.post(Route.apiPeople.pattern, use: registerPerson)
        router.get(Route.apiOrganisation.pattern, use: organisation)
        router.post(Route.apiOrganisations.pattern, use: registerOrganisation)
    }

    @Sendable func client(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try context.client())
    }

    @Sendable func agencies(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await identity.agencies())
    }

    @Sendable func regions(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await identity.regions())
    }

    /// A person's record, for a stated purpose; the read is in their "who looked at my data".
    @Sendable func person(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .identityRead)
        let pin = try PIN(try context.parameters.require("pin"))
        guard let purpose = try RegistryAPIController.purpose(request) else {
            throw ValidationError(field: "purpose", messageKey: "error_required")
        }
        guard let person = try await identity.person(pin: pin.value) else { throw DomainError.notFound }
        try await registries.logRead(
            ofPerson: person.pin, registry: "people", by: .system(client, application: client.name), purpose: purpose)
        return try JSONResponse.make(person)
    }

    @Sendable func registerPerson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .identityWrite)
        let body = try await JSONResponse.body(of: request)
        return try await idempotency.run(request, client: client, body: body) {
            var input = try JSONResponse.decode(PersonRegistration.self, from: body)
            input.password = nil  // accounts are opened by the person, never by another system
            let registered = try await identity.register(input, by: .system(client.id))
            return try JSONResponse.reply(
                registered.value, status: .created, location: Route.apiPerson.path(registered.value.pin),
                ledgerIndex: registered.ledgerIndex)
        }
    }

    @Sendable func organisation(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.client(requiring: .identityRead)
        let inn = try INN(try context.parameters.require("inn"))
        guard let organisation = try await identity.organisation(inn: inn.value) else {
            throw DomainError.notFound
        }
        return try JSONResponse.make(organisation)
    }

    @Sendable func registerOrganisation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let client = try context.client(requiring: .identityWrite)
        let body = try await JSONResponse.body(of: request)
        return try await idempotency.run(request, client: client, body: body) {
            let input = try JSONResponse.decode(OrganisationRegistration.self, from: body)
            let registered = try await identity.register(input, representative: nil, by: .system(client.id))
            return try JSONResponse.reply(
                registered.value, status: .created, location: Route.apiOrganisation.path(registered.value.inn),
                ledgerIndex: registered.ledgerIndex)
        }
    }
}

/// JSON in and out, with stable key order so responses are cacheable and diffable.
enum JSONResponse {
    /// The header that tells a client which ledger entry its action produced.
    static let ledgerIndexHeader = HTTPField.Name("Ledger-Index")

    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil, ledgerIndex: Int? = nil
    ) throws -> Response {
        try reply(value, status: status, location: location, ledgerIndex: ledgerIndex).response
    }

    /// The answer as data, before it becomes a response (so it can be kept for replays).
    static func reply(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil, ledgerIndex: Int? = nil
    ) throws -> JSONReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let location { headers[.location] = location }
        if let ledgerIndex, let name = ledgerIndexHeader { headers[name] = String(ledgerIndex) }
        return JSONReply(status: status, headers: headers, body: try encoder.encode(value))
    }

    /// The request body, at most 1 MiB.
    static func body(of request: Request) async throws -> Data {
        var request = request
        try RequestForm.refuseDeclaredOversize(request, limit: 1 << 20)
        return Data(buffer: try await request.collectBody(upTo: 1 << 20))
    }

    /// Decodes a JSON body; anything unreadable is a 400, never a 500.
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw BadRequest()
        }
    }
}

/// A JSON answer: status, headers and body bytes.
struct JSONReply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
