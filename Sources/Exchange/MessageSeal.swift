import Core
import Crypto
import Foundation

/// What the client's node signs of a request, and the provider's node checks: every part that
/// decides what is asked, and the SHA-512 of the body. Its text is the "headers" of X-Road's
/// request hash: `X-Road-Request-Hash` = base64(SHA-512(SHA-512(text) ‖ SHA-512(body))).
public struct RequestSeal: Sendable, Equatable {
    public var method: String
    /// The service identifier, the path after it and the query, as sent.
    public var service: String
    public var path: String
    public var query: String
    public var client: String
    public var messageID: String
    public var userID: String
    public var issue: String
    /// Seconds since 1970, when the client's node signed.
    public var signedAt: Int
    /// Random, fresh for each signing: two sendings of the same message are never the same signed
    /// request, so the provider's node can refuse a replay without refusing a retry.
    public var nonce: String
    /// Base64 SHA-512 of the body.
    public var bodyDigest: String

    public init(
        method: String, service: String, path: String, query: String, client: String, messageID: String,
        userID: String, issue: String, signedAt: Int, nonce: String, body: [UInt8]
    ) {
        self.method = method
        self.service = service
        self.path = path
        self.query = query
        self.client = client
        self.messageID = messageID
        self.userID = userID
        self.issue = issue
        self.signedAt = signedAt
        self.nonce = nonce
        self.bodyDigest = Data(SHA512.hash(data: body)).base64EncodedString()
    }

    /// One field a line; no field can hold a newline (they come from parsed identifiers and headers).
    public var text: String {
        [
            "tazakoom-exchange-request/1", method, service, path, query, client, messageID, userID, issue,
            String(signedAt), nonce, bodyDigest,
        ].joined(separator: "\n") + "\n"
    }

    /// Reads `text` back (for evidence); nil unless it is exactly what `text` writes.
    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 13, lines[0] == "tazakoom-exchange-request/1", let signedAt = Int(lines[9]) else {
            return nil
        }
        self.init(
            method: lines[1], service: lines[2], path: lines[3], query: lines[4], client: lines[5],
            messageID: lines[6], userID: lines[7], issue: lines[8], signedAt: signedAt, nonce: lines[10], body: [])
        bodyDigest = lines[11]
        guard self.text == text else { return nil }
    }

    /// X-Road's request hash of this request.
    public var requestHash: String {
        let head = Data(SHA512.hash(data: Data(text.utf8)))
        let body = Data(base64Encoded: bodyDigest) ?? Data()
        return Data(SHA512.hash(data: head + body)).base64EncodedString()
    }
}

/// What the provider's node signs of its answer: the request it answers (by hash), the status,
/// the content type and the SHA-512 of the body.
public struct ResponseSeal: Sendable, Equatable {
    public var requestHash: String
    public var status: Int
    public var contentType: String
    public var signedAt: Int
    public var bodyDigest: String

    public init(requestHash: String, status: Int, contentType: String, signedAt: Int, body: [UInt8]) {
        self.requestHash = requestHash
        self.status = status
        self.contentType = contentType
        self.signedAt = signedAt
        self.bodyDigest = Data(SHA512.hash(data: body)).base64EncodedString()
    }

    public var text: String {
        ["tazakoom-exchange-response/1", requestHash, String(status), contentType, String(signedAt), bodyDigest]
            .joined(separator: "\n") + "\n"
    }

    /// Reads `text` back (for evidence); nil unless it is exactly what `text` writes.
    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 7, lines[0] == "tazakoom-exchange-response/1", let status = Int(lines[2]),
            let signedAt = Int(lines[4])
        else { return nil }
        self.init(requestHash: lines[1], status: status, contentType: lines[3], signedAt: signedAt, body: [])
        bodyDigest = lines[5]
        guard self.text == text else { return nil }
    }
}
