import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Storage

/// A retried write that must not run twice, or a key reused for another request.
enum IdempotencyConflict: Error {
    /// The first request with this key is still being worked on.
    case inProgress
    /// The key was already used with a different request.
    case keyReused
}

extension Platform {
    static let keyHeader = HTTPField.Name("Idempotency-Key")
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")

    /// Runs `work` once per `Idempotency-Key` of the calling client: a retry with the same key and
    /// body gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing.
    /// Only successful answers are kept; a failed request changed nothing and may be retried.
    func idempotent(_ request: Request, client: APIClient, body: Data, _ work: () async throws -> JSONReply)
        async throws -> Response
    {
        guard let name = Self.keyHeader, let key = request.headers[name] else { return try await work().response }
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else { throw BadRequest() }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let digest = Hex.encode(hasher.finalize())
        let store = IdempotencyStore(database: database)
        switch try await store.claim(owner: client.id, key: key, requestHash: digest) {
        case .inProgress: throw IdempotencyConflict.inProgress
        case .mismatch: throw IdempotencyConflict.keyReused
        case .replay(let status, let headers, let text):
            var fields = HTTPFields()
            for (field, value) in headers { if let n = HTTPField.Name(field) { fields[n] = value } }
            if let replayed = Self.replayedHeader { fields[replayed] = "true" }
            return Response(
                status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .claimed:
            let reply: JSONReply
            do {
                reply = try await work()
            } catch {
                try? await store.release(owner: client.id, key: key)
                throw error
            }
            var headers: [String: String] = [:]
            for field in reply.headers { headers[field.name.rawName] = field.value }
            try await store.complete(
                owner: client.id, key: key, status: Int(reply.status.code), headers: headers,
                body: String(decoding: reply.body, as: UTF8.self))
            return reply.response
        }
    }
}
