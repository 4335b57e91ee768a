import Core
import Foundation
import Identity
import Ledger
import Registries

/// The provider's side: another member's node sends a signed call to `/exchange/in/…`.
extension ExchangeNode {
    /// How far a request's signing time may be from this node's clock.
    static let signatureWindowSeconds = 300

    /// Checks the calling node's signature and the client's right, calls the service's backend,
    /// and signs the answer for this very request. Every call is logged, refused ones included.
    /// `refusal`: the web layer already refused the call (a body over the limit); it is logged and answered.
    public func answer(_ request: ExchangeMessage, target: String, query: String, refusal: ExchangeError? = nil) async
        -> ExchangeMessage
    {
        let started = ContinuousClock.now
        let messageID = Self.messageID(request["X-Road-Id"])
        let call = XRoadTarget(path: target, query: query)
        let seal = RequestSeal(
            method: request.method, service: call?.service.description ?? "", path: call?.path ?? "",
            query: call?.query ?? "", client: request["X-Road-Client"] ?? "", messageID: messageID,
            userID: request["X-Road-UserId"] ?? "", issue: request["X-Road-Issue"] ?? "",
            signedAt: Int(request["X-Exchange-Signed-At"] ?? "") ?? 0,
            nonce: String((request["X-Exchange-Nonce"] ?? "").prefix(100)), body: request.body)
        var record = MessageRecord(
            id: DataAccess.newID(), side: "provider", messageID: messageID, client: String(seal.client.prefix(300)),
            service: call?.service.description ?? String(target.prefix(400)),
            method: request.method, path: (call?.path ?? "") + (query.isEmpty ? "" : "?" + query),
            userID: seal.userID, issue: seal.issue, requestHash: seal.requestHash,
            requestSignature: request["X-Exchange-Signature"] ?? "", responseDigest: "", responseSignature: "",
            status: 0, error: "", at: clock.seconds, durationMilliseconds: 0)
        var answer: ExchangeMessage
        do {
            if let refusal { throw refusal }
            answer = try await serve(request, call: call, seal: seal)
        } catch let error as ExchangeError {
            answer = Self.errorAnswer(error, messageID: messageID)
        } catch {
            answer = Self.errorAnswer(.internalError(.provider), messageID: messageID)
        }
        // Signed whatever it says, errors included: the client's node accepts nothing unsigned.
        let contentType = answer["Content-Type"] ?? ""
        let responseSeal = ResponseSeal(
            requestHash: seal.requestHash, status: answer.status, contentType: contentType, signedAt: clock.seconds,
            body: answer.body)
        let signature = (try? signer.signature(for: responseSeal.text)) ?? ""
        answer.headers = Self.passedOn(answer.headers, dropping: ["x-road-request-hash"])
        answer.headers += [
            .init("X-Road-Request-Hash", seal.requestHash), .init("X-Road-Client", seal.client),
            .init("X-Road-Service", record.service), .init("X-Exchange-Signed-At", String(responseSeal.signedAt)),
            .init("X-Exchange-Signature", signature),
        ]
        if answer["X-Road-Id"] == nil { answer.headers.append(.init("X-Road-Id", messageID)) }
        record.status = answer.status
        record.responseDigest = responseSeal.bodyDigest
        record.responseSignature = signature
        record.requestSeal = seal.text
        record.responseSeal = responseSeal.text
        record.durationMilliseconds = Self.milliseconds(since: started)
        return await logged(record, answer, requestBody: request.body)
    }

    private func serve(_ request: ExchangeMessage, call: XRoadTarget?, seal: RequestSeal) async throws
        -> ExchangeMessage
    {
        guard let call else { throw ExchangeError.badRequest("Not a service identifier and path.") }
        guard let client = XRoadClient(seal.client), client.subsystem != nil else {
            throw ExchangeError.invalidClient("X-Road-Client is INSTANCE/CLASS/MEMBER/SUBSYSTEM.")
        }
        guard var configuration = await configuration.value else {
            throw ExchangeError("Server.ServerProxy.OutdatedGlobalConf", "This node has no valid global configuration.")
        }
        if !configuration.knows(client) {
            // A member that joined a moment ago: the configuration this node stored since may know it.
            try await loadStoredConfiguration()
            configuration = await self.configuration.value ?? configuration
        }
        guard let caller = configuration.member(client), configuration.knows(client),
            let callerKey = try? NoteVerifier(encoded: caller.key)
        else { throw ExchangeError.unknownMember(.provider, client.description) }
        guard abs(clock.seconds - seal.signedAt) <= Self.signatureWindowSeconds,
            callerKey.verifies(request["X-Exchange-Signature"] ?? "", for: seal.text)
        else {
            throw ExchangeError.invalidSignature(
                .provider,
                "The request is not signed by \(client.member)'s node: it was altered, replayed late or forged.")
        }
        // A replay: the very same signed request again (here, or logged by another node of this member).
        let seenHere = await answered.value(for: seal.requestHash) != nil
        let logged = try await store.messages(messageID: seal.messageID).contains {
            $0.side == "provider" && $0.requestHash == seal.requestHash
        }
        if seenHere || logged {
            throw ExchangeError.invalidSignature(.provider, "This signed request was answered already: a replay.")
        }
        await answered.store(true, for: seal.requestHash)
        try Self.checkHeaders(request)
        guard call.service.provider.member == member, request.body.count <= settings.maxBodyBytes else {
            throw ExchangeError.unknownService(call.service.description)
        }
        if let directory = try await directoryAnswer(call, client: client, configuration: configuration) {
            return directory
        }
        guard let service = try await services.value(for: call.service, { try await store.service(call.service) })
        else { throw ExchangeError.unknownService(call.service.description) }
        let rights = try await self.rights.value(for: call.service) { try await store.rights(call.service) }
        let grantees = Set([client.description] + configuration.groups(of: client).map { "group:" + $0 })
        guard
            rights.contains(where: {
                grantees.contains($0.grantee) && $0.allows(method: request.method, path: call.path)
            })
        else {
            throw ExchangeError.accessDenied(
                "\(client) has no right to \(request.method) \(call.path) of \(call.service).")
        }
        let reader = Self.reader(client, name: caller.name, agency: service.agencyCode)
        try await logPersonRead(seal.userID, query: call.query, service: service, reader: reader)
        if service.backend.hasPrefix(Self.registryBackend) {
            return await registryAnswer(request.method, call: call, service: service, reader: reader)
        }
        return try await forward(request, call: call, service: service, client: client)
    }

    /// How the registries name a system reading through the exchange: the requesting member's
    /// name and subsystem, under the rights of the agency that answers.
    static func reader(_ client: XRoadClient, name: String, agency: String) -> RegistryCaller {
        .system(
            APIClient(
                id: "exchange:\(client)", name: name, agencyCode: agency, scopes: [.registryRead], createdAt: 0,
                createdBy: "exchange", revokedAt: nil),
            application: client.description)
    }

    /// A message about a person (their PIN in `X-Road-UserId`) goes into their "who looked at my
    /// data", and so needs a purpose (`purpose` in the query).
    func logPersonRead(_ userID: String, query: String, service: ProvidedService, reader: RegistryCaller) async throws {
        let digits = userID.hasPrefix("KG") ? String(userID.dropFirst(2)) : userID
        guard let pin = try? PIN(digits, today: clock.today) else { return }
        guard
            let purpose = try? Purpose(
                legalBasis: Self.parameter("purpose", in: query) ?? "",
                caseNumber: Self.parameter("caseNumber", in: query) ?? "")
        else {
            throw ExchangeError.badRequest("A message about a person needs a purpose: the query parameter purpose.")
        }
        try await registries.logRead(ofPerson: pin.value, registry: service.id.code, by: reader, purpose: purpose)
    }

    static func parameter(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name) {
                return parts.count == 2
                    ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding : ""
            }
        }
        return nil
    }

    /// Sends the call on to the provider's own system and returns what it answered, as it answered.
    private func forward(_ request: ExchangeMessage, call: XRoadTarget, service: ProvidedService, client: XRoadClient)
        async throws -> ExchangeMessage
    {
        var headers = Self.passedOn(request.headers)
        headers.append(.init("Information-Mediator-Client", client.description))
        let base = service.backend.hasSuffix("/") ? String(service.backend.dropLast()) : service.backend
        do {
            return try await transport.send(
                ExchangeMessage(method: request.method, headers: headers, body: request.body),
                to: base + call.path + (call.query.isEmpty ? "" : "?" + call.query),
                timeoutSeconds: settings.timeoutSeconds, maxBodyBytes: settings.maxBodyBytes)
        } catch ExchangeTransportError.timedOut {
            throw ExchangeError.serviceFailed("The provider's system did not answer in time.")
        } catch ExchangeTransportError.tooLarge {
            throw ExchangeError.serviceFailed("The provider's system answered with more than allowed.")
        } catch {
            throw ExchangeError.serviceFailed("The provider's system could not be reached or closed the connection.")
        }
    }

    /// A built-in registry as a service: `GET /{version}/{key}` reads one record, as the
    /// registries' own API would, with the read logged for the person it is about.
    private func registryAnswer(_ method: String, call: XRoadTarget, service: ProvidedService, reader: RegistryCaller)
        async -> ExchangeMessage
    {
        let name = String(service.backend.dropFirst(Self.registryBackend.count))
        let parts = call.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard method == "GET", parts.count == 2 else {
            return Self.json(404, ["title": "Not found", "detail": "GET /{version}/{key} reads one record."])
        }
        do {
            let purpose = try Self.parameter("purpose", in: call.query).map {
                try Purpose(legalBasis: $0, caseNumber: Self.parameter("caseNumber", in: call.query) ?? "")
            }
            let keyField = try await registries.schema(try await registries.registry(name), version: parts[0]).1.key
            let record = try await registries.read(
                name, version: parts[0], match: [keyField: .string(parts[1])], by: reader, purpose: purpose)
            return ExchangeMessage(
                status: 200, headers: [.init("Content-Type", "application/json")],
                body: Array(record.content.canonicalJSON.utf8))
        } catch DomainError.notFound {
            return Self.json(404, ["title": "Not found", "detail": "No such record."])
        } catch let error as ValidationError {
            return Self.json(
                400, ["title": "Bad request", "detail": error.fields.map(\.messageKey).joined(separator: ", ")])
        } catch {
            return Self.json(403, ["title": "Forbidden", "detail": "The registry refused the read."])
        }
    }

    static func json(_ status: Int, _ body: [String: String]) -> ExchangeMessage {
        ExchangeMessage(
            status: status, headers: [.init("Content-Type", "application/problem+json")],
            body: Array(body.canonicalJSON().utf8))
    }
}
