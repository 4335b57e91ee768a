import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Storage

/// The JSON API's retried writes: one answer per `Idempotency-Key` of the calling client, kept by
/// the platform's one idempotency mechanism (`IdempotencyStore`).
struct IdempotentWrites: Sendable {
    let store: IdempotencyStore

    static let keyHeader = HTTPField.Name("Idempotency-Key")
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")

    /// The request's `Idempotency-Key`, checked against the one rule; nil when none was sent.
    static func idempotencyKey(of request: Request) throws -> IdempotencyKey? {
        guard let name = keyHeader, let text = request.headers[name] else { return nil }
        return try IdempotencyKey(text)
    }

    /// Runs `work` once per `Idempotency-Key` of the calling client: a retry with the same key and
    /// body gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing.
    /// Without a key the work simply runs.
    func run(
        _ request: Request, client: APIClient, body: Data, _ work: () async throws -> JSONReply
    ) async throws -> Response {
        guard let key = try Self.idempotencyKey(of: request) else { return try await work().response }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let answer = try await store.run(owner: client.id, key: key, requestHash: Hex.encode(hasher.finalize())) {
            let reply = try await work()
            var headers: [String: String] = [:]
            for field in reply.headers { headers[field.name.rawName] = field.value }
            return IdempotentAnswer(
                status: Int(reply.status.code), headers: headers, body: String(decoding: reply.body, as: UTF8.self))
        }
        var fields = HTTPFields()
        for (field, value) in answer.headers {
            if let name = HTTPField.Name(field) { fields[name] = value }
        }
        if answer.replayed, let replayed = Self.replayedHeader { fields[replayed] = "true" }
        return Response(
            status: .init(code: answer.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
