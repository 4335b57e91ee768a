import Core
import Exchange
import Foundation
import HTTPTypes
import Hummingbird

/// The exchange layer's HTTP face: `/r1/…` for this member's own systems, `/exchange/in/…` for
/// other members' nodes, the signed global configuration and joining on the operator's node, and
/// X-Road's `listClients`. Everything else (rights, signatures, the message log) is the node's.
struct ExchangeController {
    let node: ExchangeNode

    /// Every method a REST service may use.
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options]

    func register(on router: some RouterMethods<AppRequestContext>) {
        for method in Self.methods {
            router.on(Route.exchangeRelay.pattern, method: method, use: relay)
            router.on(Route.exchangeInbound.pattern, method: method, use: inbound)
        }
        router.get(Route.exchangeGlobalConfiguration.pattern, use: globalConfiguration)
        router.get(Route.exchangeOperatorKey.pattern, use: operatorKey)
        router.post(Route.exchangeJoin.pattern, use: join)
        router.get(Route.exchangeListClients.pattern, use: listClients)
    }

    @Sendable func relay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (message, refusal) = await Self.message(request, limit: node.settings.maxBodyBytes)
        let answer = await node.relay(
            message, target: Self.rest(of: request.uri.path, after: Route.exchangeRelay),
            query: request.uri.query ?? "",
            callerClientID: context.apiClient?.id, refusal: refusal)
        return Self.response(answer)
    }

    @Sendable func inbound(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (message, refusal) = await Self.message(request, limit: node.settings.maxBodyBytes)
        let answer = await node.answer(
            message, target: Self.rest(of: request.uri.path, after: Route.exchangeInbound),
            query: request.uri.query ?? "", refusal: refusal)
        return Self.response(answer)
    }

    @Sendable func globalConfiguration(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let note = try await node.signedConfiguration() else { throw DomainError.notFound }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: note)))
    }

    @Sendable func operatorKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: node.operatorKey.encoded + "\n")))
    }

    @Sendable func join(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16_384)
        do {
            try await node.receiveJoinRequest(String(buffer: body))
        } catch let error as ExchangeError {
            return Self.response(ExchangeNode.errorAnswer(error, messageID: UUID().uuidString.lowercased()))
        }
        return Response(status: .accepted)
    }

    @Sendable func listClients(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let body = await node.listClients() else {
            return Self.response(ExchangeNode.errorAnswer(.outdatedGlobalConfiguration, messageID: ""))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The path after a route's fixed prefix (`/r1/`), still percent-encoded.
    static func rest(of path: String, after route: Route) -> String {
        let prefix = route.rawValue.replacingOccurrences(of: "**", with: "")
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : ""
    }

    /// The request as the exchange sees it, its body read while it streams and cut off past `limit`.
    static func message(_ request: Request, limit: Int) async -> (ExchangeMessage, ExchangeError?) {
        var message = ExchangeMessage(
            method: request.method.rawValue,
            headers: request.headers.map { ExchangeMessage.Header($0.name.canonicalName, $0.value) })
        do {
            message.body = Array(buffer: try await request.body.collect(upTo: limit))
            return (message, nil)
        } catch {
            return (message, .badRequest("The body is larger than \(limit) bytes."))
        }
    }

    static func response(_ answer: ExchangeMessage) -> Response {
        var headers = HTTPFields()
        for header in answer.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
