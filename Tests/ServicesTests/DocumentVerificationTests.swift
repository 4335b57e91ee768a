import Crypto
import Foundation
import Registries
import Testing

@testable import Services

/// A document verifies only when its content is exactly what the key signed.
@Suite struct DocumentVerificationTests {
    static func signed(_ content: [String: JSONValue], with key: Curve25519.Signing.PrivateKey) throws -> IssuedDocument
    {
        let raw = key.publicKey.rawRepresentation
        let signature = try key.signature(for: IssuedDocument.signedBytes(content))
        return IssuedDocument(
            id: "D1", content: content,
            signature: .init(
                algorithm: "Ed25519", keyID: IssuedDocument.keyID(raw),
                publicKey: raw.base64EncodedString(), value: signature.base64EncodedString()), ledgerIndex: 7)
    }

    static let content: [String: JSONValue] = [
        "id": "D1", "agency": "MOJ", "holder": .object(["name": "Айгүл", "pin": "11207199000417"]),
        "decision": "issued",
    ]

    @Test func aGenuineDocumentSurvivesItsJSONRoundTrip() throws {
        let key = Curve25519.Signing.PrivateKey()
        let document = try Self.signed(Self.content, with: key)
        let read = try IssuedDocument(json: document.json)
        #expect(read == document)
        try DocumentVerification.check(read)
        try DocumentVerification.check(read, trustedKeys: [document.signature.keyID: "MOJ"])
    }

    @Test func forgeriesFail() throws {
        let key = Curve25519.Signing.PrivateKey()
        let document = try Self.signed(Self.content, with: key)
        var changed = document
        changed.content["decision"] = "refused"
        #expect(throws: DocumentVerification.Failure.badSignature) { try DocumentVerification.check(changed) }
        var wrongID = document
        wrongID.signature.keyID = "00"
        #expect(throws: DocumentVerification.Failure.badSignature) { try DocumentVerification.check(wrongID) }
        // Signed properly, but by a key that is not the agency's.
        #expect(throws: DocumentVerification.Failure.unknownKey) {
            try DocumentVerification.check(document, trustedKeys: [:])
        }
        #expect(throws: DocumentVerification.Failure.unknownKey) {
            try DocumentVerification.check(document, trustedKeys: [document.signature.keyID: "MOH"])
        }
        #expect(throws: DocumentVerification.Failure.malformed) { try IssuedDocument(json: "{\"document\": 1}") }
        var garbled = document
        garbled.signature.value = "!!"
        #expect(throws: DocumentVerification.Failure.malformed) { try DocumentVerification.check(garbled) }
    }
}
