import Core
import Foundation
import Identity
import Ledger
import Registries
import SQLKit

/// What the platform says about a document presented to it.
public struct DocumentCheck: Sendable, Equatable {
    /// The document as the platform issued it, when the id is known.
    public var document: IssuedDocument?
    /// Nil when genuine; otherwise why not.
    public var failure: DocumentVerification.Failure?
    public var revokedAt: Int?

    public var isGenuine: Bool { failure == nil }

    public init(document: IssuedDocument?, failure: DocumentVerification.Failure?, revokedAt: Int?) {
        self.document = document
        self.failure = failure
        self.revokedAt = revokedAt
    }
}

/// Issued documents: for their holders, for anyone verifying them, and the agencies' public keys.
extension ApplicationService {
    /// A document by id; who may see it in full is the caller's decision (the holder, the agency).
    public func document(_ id: String) async throws -> (document: IssuedDocument, holderPIN: String, agency: String) {
        guard let stored = try await database.withConnection({ sql in try await store.document(id, on: sql) }) else {
            throw DomainError.notFound
        }
        return (stored.document, stored.holderPIN, stored.agency)
    }

    /// Checks a document: its signature, that the key is the issuing agency's, that the platform
    /// issued exactly this content under its id, and that it was not revoked.
    public func verify(_ presented: IssuedDocument) async throws -> DocumentCheck {
        do {
            try DocumentVerification.check(presented, trustedKeys: try await trustedKeys())
        } catch let failure as DocumentVerification.Failure {
            return DocumentCheck(document: nil, failure: failure, revokedAt: nil)
        }
        let stored = try? await database.withConnection { sql in try await store.document(presented.id, on: sql) }
        guard let stored, stored.document.content == presented.content else {
            return DocumentCheck(document: nil, failure: .notIssued, revokedAt: nil)
        }
        let original = stored.document
        if let revoked = stored.revokedAt {
            return DocumentCheck(document: original, failure: .revoked, revokedAt: revoked)
        }
        return DocumentCheck(document: original, failure: nil, revokedAt: nil)
    }

    /// Checks the document the platform holds under `id` (what `/verify/{id}` shows).
    public func verify(id: String) async throws -> DocumentCheck {
        guard let found = try? await document(id) else {
            return DocumentCheck(document: nil, failure: .notIssued, revokedAt: nil)
        }
        return try await verify(found.document)
    }

    /// The agencies' document keys: key id → agency code.
    public func trustedKeys() async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await agencyKeys().map { ($0.keyID, $0.agency) })
    }

    /// Every agency's public document key, for verifiers offline.
    public func agencyKeys() async throws -> [(keyID: String, agency: String, publicKey: String, since: Int)] {
        try await database.withConnection { sql in try await store.agencyKeys(on: sql) }.map {
            ($0.keyID, $0.agency, $0.publicKey, $0.since)
        }
    }
}

/// Officials and documents: reading one is logged for its holder; a head of the issuing agency
/// may revoke one, with a reason, and from then on it does not verify.
extension ApplicationService {
    /// Logs that an official of the issuing agency opened a person's document.
    public func logDocumentRead(_ id: String, holder: String, by official: Principal) async throws {
        guard let post = official.post else { return }
        _ = try await registries.log(
            [
                DataAccess(
                    id: Secrets.token(), personPIN: holder, registry: "documents", recordKey: id,
                    readerKind: "official", readerID: official.pin,
                    readerName: official.displayName, agencyCode: post.agencyCode, application: "",
                    legalBasis: PlatformPurpose.documentOpened(document: id).legalBasis,
                    caseNumber: "", at: clock.seconds)
            ], by: .person(official.pin))
    }

    /// Revokes a document (heads of the issuing agency only; the reason is required and public).
    public func revokeDocument(_ id: String, by official: Principal, reason: String) async throws {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationError(field: "reason", messageKey: "error_reason_required") }
        guard text.count <= 500 else { throw ValidationError(field: "reason", messageKey: "error_too_long") }
        let found = try await document(id)
        // Outside the issuing agency the document is "not found", as on its page; inside, only a head may revoke.
        guard official.post?.agencyCode == found.agency || found.holderPIN == official.pin else {
            throw DomainError.notFound
        }
        guard official.post?.agencyCode == found.agency, official.post?.roles.contains(.head) == true else {
            throw DomainError.forbidden
        }
        let at = clock.seconds
        try await database.transaction { sql in
            let actor = try await ledger.pseudonym(for: official.pin, on: sql)
            let event = try LedgerEvent(
                kind: "document.revoked", actor: actor, subject: "document:\(id)", time: at,
                details: ["document": id, "reason": text])
            _ = try await self.ledger.append([event], on: sql)
            guard try await self.store.revokeDocument(id, at: at, on: sql) else {
                throw DomainError.conflict(field: "document", messageKey: "error_document_revoked")
            }
            try await ServiceRecords.seal(applications: [], documents: [id], ledger: self.ledger, on: sql)
        }
    }
}
