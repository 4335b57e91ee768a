import Core
import Crypto
import Foundation
import Ledger
import Registries

/// The client's side: a system of this member calls `/r1/…` on its own node.
extension ExchangeNode {
    /// Headers that belong to one hop or name the host, never passed on (X-Road's filtered headers),
    /// and the calling system's own credential for its node.
    static let filteredHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "user-agent", "server", "content-length", "authorization",
        "cookie", "expect",
    ]

    /// `headers` without the filtered ones, this layer's own signature headers (`X-Exchange-…`),
    /// and any beginning with one of `prefixes` (lower case): what a hop passes on of another's.
    static func passedOn(_ headers: [ExchangeMessage.Header], dropping prefixes: [String] = [])
        -> [ExchangeMessage.Header]
    {
        headers.filter { header in
            let name = header.name.lowercased()
            return !filteredHeaders.contains(name)
                && !(["x-exchange-"] + prefixes).contains(where: { name.hasPrefix($0) })
        }
    }

    /// Relays a call of one of this member's systems to the provider's node and returns the
    /// provider's answer once its signature and request hash check. `target` is the path after
    /// `/r1/`; `callerClientID` the API client whose bearer token came with the call. Every call
    /// is logged with its outcome, refused ones included.
    /// `refusal`: the web layer already refused the call (a body over the limit); it is logged and answered.
    public func relay(
        _ request: ExchangeMessage, target: String, query: String, callerClientID: String?,
        refusal: ExchangeError? = nil
    ) async -> ExchangeMessage {
        await relay(request, target: target, query: query, caller: .system(callerClientID), refusal: refusal)
    }

    /// Who hands a call to this node: a system with its token's client id, or the node itself (publishing).
    enum Caller {
        case system(String?)
        case node
    }

    func relay(_ request: ExchangeMessage, target: String, query: String, caller: Caller, refusal: ExchangeError?)
        async -> ExchangeMessage
    {
        let started = ContinuousClock.now
        let messageID = Self.messageID(request["X-Road-Id"])
        var record = MessageRecord(
            id: DataAccess.newID(), side: "client", messageID: messageID,
            client: String((request["X-Road-Client"] ?? request["Information-Mediator-Client"] ?? "").prefix(300)),
            service: String(target.prefix(400)), method: request.method, path: "",
            userID: request["X-Road-UserId"] ?? "",
            issue: request["X-Road-Issue"] ?? "", requestHash: "", requestSignature: "", responseDigest: "",
            responseSignature: "", status: 0, error: "", at: clock.seconds, durationMilliseconds: 0)
        let answer: ExchangeMessage
        do {
            if let refusal { throw refusal }
            answer = try await send(request, target: target, query: query, caller: caller, record: &record)
        } catch let error as ExchangeError {
            answer = Self.errorAnswer(error, messageID: messageID)
        } catch {
            answer = Self.errorAnswer(.internalError(.client), messageID: messageID)
        }
        record.status = answer.status
        if record.error.isEmpty, answer["X-Road-Error"] != nil { record.error = answer["X-Road-Error"] ?? "" }
        record.durationMilliseconds = Self.milliseconds(since: started)
        return await logged(record, answer, requestBody: request.body)
    }

    private func send(
        _ request: ExchangeMessage, target: String, query: String, caller: Caller, record: inout MessageRecord
    ) async throws -> ExchangeMessage {
        guard let clientHeader = request["X-Road-Client"] ?? request["Information-Mediator-Client"] else {
            throw ExchangeError.missingClient
        }
        guard let client = XRoadClient(clientHeader), let subsystem = client.subsystem else {
            throw ExchangeError.invalidClient(
                "X-Road-Client is INSTANCE/CLASS/MEMBER/SUBSYSTEM, each part 1-64 characters.")
        }
        record.client = client.description
        guard client.member == member else {
            throw ExchangeError.invalidClient("\(client) is not a subsystem of this node's member \(member).")
        }
        if case .system(let clientID) = caller {
            guard let clientID,
                try await localClients.value(for: subsystem, { try await store.localClient(subsystem: subsystem) })
                    == clientID
            else { throw ExchangeError.clientNotAuthenticated }
        }
        guard let call = XRoadTarget(path: target, query: query) else {
            throw ExchangeError.badRequest("The path is /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path].")
        }
        record.service = call.service.description
        record.path = call.path + (call.query.isEmpty ? "" : "?" + call.query)
        try Self.checkHeaders(request)
        guard request.body.count <= settings.maxBodyBytes else {
            throw ExchangeError.badRequest("The body is larger than \(settings.maxBodyBytes) bytes.")
        }
        guard let configuration = await configuration.value else { throw ExchangeError.outdatedGlobalConfiguration }
        guard let provider = configuration.member(call.service.provider),
            let providerKey = try? NoteVerifier(encoded: provider.key)
        else { throw ExchangeError.unknownMember(.client, call.service.provider.member.description) }

        let seal = RequestSeal(
            method: request.method, service: call.service.description, path: call.path, query: call.query,
            client: client.description, messageID: record.messageID, userID: record.userID, issue: record.issue,
            signedAt: clock.seconds, nonce: Secrets.token(), body: request.body)
        let signature = try signer.signature(for: seal.text)
        record.requestHash = seal.requestHash
        record.requestSignature = signature
        record.requestSeal = seal.text
        var headers = Self.passedOn(request.headers, dropping: ["x-road-"])
        headers += [
            .init("X-Road-Client", client.description), .init("X-Road-Id", record.messageID),
            .init("X-Exchange-Signed-At", String(seal.signedAt)), .init("X-Exchange-Nonce", seal.nonce),
            .init("X-Exchange-Signature", signature),
        ]
        if !record.userID.isEmpty { headers.append(.init("X-Road-UserId", record.userID)) }
        if !record.issue.isEmpty { headers.append(.init("X-Road-Issue", record.issue)) }
        let url =
            provider.address + "/exchange/in/" + call.service.description + call.path
            + (call.query.isEmpty ? "" : "?" + call.query)
        let response: ExchangeMessage
        do {
            response = try await transport.send(
                ExchangeMessage(method: request.method, headers: headers, body: request.body), to: url,
                timeoutSeconds: settings.timeoutSeconds, maxBodyBytes: settings.maxBodyBytes)
        } catch ExchangeTransportError.timedOut {
            throw ExchangeError.networkError(.client, "The provider's node did not answer in time.")
        } catch ExchangeTransportError.tooLarge {
            throw ExchangeError.networkError(.client, "The provider's answer is larger than allowed.")
        } catch {
            throw ExchangeError.networkError(.client, "The provider's node could not be reached.")
        }
        // The answer counts only if the provider's node signed it, for this very request.
        let responseSeal = ResponseSeal(
            requestHash: response["X-Road-Request-Hash"] ?? "", status: response.status,
            contentType: response["Content-Type"] ?? "", signedAt: Int(response["X-Exchange-Signed-At"] ?? "") ?? 0,
            body: response.body)
        record.responseDigest = responseSeal.bodyDigest
        record.responseSignature = response["X-Exchange-Signature"] ?? ""
        record.responseSeal = responseSeal.text
        let authentic = providerKey.verifies(record.responseSignature, for: responseSeal.text)
        // An error the provider's node signed is passed on even when it is about a request that
        // differs from ours (one altered on the way): it carries no data, and says what went wrong.
        let providerError = authentic && response["X-Road-Error"]?.hasPrefix("Server.ServerProxy.") == true
        guard authentic, responseSeal.requestHash == seal.requestHash || providerError else {
            throw ExchangeError.invalidSignature(
                .client,
                "The response is not signed by the provider's node for this request: it was altered or misdirected.")
        }
        var answer = response
        answer.headers = Self.passedOn(response.headers)
        return answer
    }

    /// Refuses a header value with a line break or other control character (header injection).
    static func checkHeaders(_ request: ExchangeMessage) throws {
        for name in ["X-Road-UserId", "X-Road-Issue", "X-Road-Id"] {
            guard let value = request[name] else { continue }
            guard value.count <= 255, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else { throw ExchangeError.badRequest("\(name) must be at most 255 printable characters.") }
        }
    }

    /// The client's `X-Road-Id` if it is usable, else a new UUID.
    static func messageID(_ given: String?) -> String {
        guard let given, (1...100).contains(given.count),
            given.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return UUID().uuidString.lowercased() }
        return given
    }

    /// The JSON body X-Road answers its own errors with, and the `X-Road-Error` header.
    public static func errorAnswer(_ error: ExchangeError, messageID: String) -> ExchangeMessage {
        let body = ["type": error.type, "message": error.message, "detail": messageID].canonicalJSON()
        return ExchangeMessage(
            status: error.status,
            headers: [
                .init("Content-Type", "application/json; charset=utf-8"), .init("X-Road-Error", error.type),
                .init("X-Road-Id", messageID),
            ], body: Array(body.utf8))
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int((start.duration(to: .now).inSeconds * 1000).rounded())
    }

    /// Writes the message log line and its ledger entry; if that fails the caller gets an error,
    /// not an answer nobody can later prove.
    func logged(_ record: MessageRecord, _ answer: ExchangeMessage, requestBody: [UInt8]) async -> ExchangeMessage {
        var record = record
        if record.error.isEmpty, let type = answer["X-Road-Error"] { record.error = type }
        do {
            let bodies = try bodyKey.map { key in
                SealedBodies(
                    request: try AES.GCM.seal(requestBody, using: key).combined?.base64EncodedString() ?? "",
                    response: try AES.GCM.seal(answer.body, using: key).combined?.base64EncodedString() ?? "")
            }
            _ = try await store.log(record, sealedBodies: bodies)
            return answer
        } catch {
            logger.error("exchange message not logged", metadata: ["id": "\(record.messageID)", "error": "\(error)"])
            return Self.errorAnswer(
                .internalError(record.side == "client" ? .client : .provider), messageID: record.messageID)
        }
    }
}
