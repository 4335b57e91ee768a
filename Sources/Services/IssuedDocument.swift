import Crypto
import Foundation
import Registries

/// A signed document as it leaves the platform: the content, the agency's Ed25519 signature over
/// its canonical JSON, and the ledger entry that records its issue. The JSON form is what
/// `tazakoom verify-document` and `/verify` check.
public struct IssuedDocument: Sendable, Equatable {
    public var id: String
    /// Holder, issuer, service, decision and dates; signed as canonical JSON.
    public var content: [String: JSONValue]
    public var signature: Signature
    public var ledgerIndex: Int?

    /// An Ed25519 signature and the key that made it.
    public struct Signature: Sendable, Equatable, Codable {
        public var algorithm: String
        /// SHA-256 of the public key, first 16 bytes in hex.
        public var keyID: String
        /// The raw 32-byte public key, base64.
        public var publicKey: String
        /// The 64-byte signature, base64.
        public var value: String

        enum CodingKeys: String, CodingKey {
            case algorithm
            case keyID = "keyId"
            case publicKey, value
        }

        public init(algorithm: String, keyID: String, publicKey: String, value: String) {
            self.algorithm = algorithm
            self.keyID = keyID
            self.publicKey = publicKey
            self.value = value
        }
    }

    /// What is signed: a fixed prefix (so a signature over anything else cannot be replayed as a
    /// document) and the content's canonical JSON.
    public static func signedBytes(_ content: [String: JSONValue]) -> Data {
        Data(("taza-koom-document-v1\n" + JSONValue.object(content).canonicalJSON).utf8)
    }

    /// The key id of a raw public key.
    public static func keyID(_ publicKey: Data) -> String {
        SHA256.hash(data: publicKey).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The document file: `{"document": …, "signature": …, "ledgerIndex": …}`, pretty and stable.
    public var json: String {
        var object: [String: JSONValue] = [
            "document": .object(content),
            "signature": .object([
                "algorithm": .string(signature.algorithm), "keyId": .string(signature.keyID),
                "publicKey": .string(signature.publicKey), "value": .string(signature.value),
            ]),
        ]
        if let ledgerIndex { object["ledgerIndex"] = .number(Double(ledgerIndex)) }
        return JSONValue.object(object).canonicalJSON
    }

    /// Reads a document file; throws `DocumentVerification.Failure.malformed` when it is not one.
    public init(json text: String) throws {
        guard let root = try? JSONValue.parse(text), case .object(let object) = root,
            case .object(let content)? = object["document"], case .object(let sig)? = object["signature"],
            case .string(let id)? = content["id"],
            let algorithm = sig["algorithm"]?.stringValue, let keyID = sig["keyId"]?.stringValue,
            let publicKey = sig["publicKey"]?.stringValue, let value = sig["value"]?.stringValue
        else { throw DocumentVerification.Failure.malformed }
        var index: Int?
        if case .number(let number)? = object["ledgerIndex"] { index = Int(number) }
        self.init(
            id: id, content: content,
            signature: Signature(algorithm: algorithm, keyID: keyID, publicKey: publicKey, value: value),
            ledgerIndex: index)
    }

    public init(id: String, content: [String: JSONValue], signature: Signature, ledgerIndex: Int?) {
        self.id = id
        self.content = content
        self.signature = signature
        self.ledgerIndex = ledgerIndex
    }
}

/// Checks a document's signature without the platform: offline, from the file alone, optionally
/// against the agency keys the platform publishes (`/api/v1/agency-keys`).
public enum DocumentVerification {
    /// Why a document is not genuine.
    public enum Failure: Error, Sendable, Equatable {
        /// Not a document file at all.
        case malformed
        /// The signature does not match the content: it was changed, or never signed by that key.
        case badSignature
        /// The key is not one the platform knows for the issuing agency.
        case unknownKey
        /// The platform has no such document, or holds different content under its id.
        case notIssued
        /// The agency revoked the document.
        case revoked
    }

    /// Checks that the signature is valid for the content and the key id is the key's; with
    /// `trustedKeys` (key id → agency code), that the key is the issuing agency's.
    public static func check(_ document: IssuedDocument, trustedKeys: [String: String]? = nil) throws(Failure) {
        guard document.signature.algorithm == "Ed25519",
            let raw = Data(base64Encoded: document.signature.publicKey),
            let signature = Data(base64Encoded: document.signature.value),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .malformed }
        guard IssuedDocument.keyID(raw) == document.signature.keyID,
            key.isValidSignature(signature, for: IssuedDocument.signedBytes(document.content))
        else { throw .badSignature }
        if let trustedKeys {
            guard let agency = trustedKeys[document.signature.keyID], agency == document.content["agency"]?.stringValue
            else { throw .unknownKey }
        }
    }
}
