import Core
import SQLKit

/// Issued documents and the agencies' document keys.
extension SQLServicesStore {
    public func document(_ id: String, on sql: any SQLDatabase) async throws -> StoredDocument? {
        try await sql.raw("SELECT * FROM issued_documents WHERE id = \(bind: id)").first().map(Self.document)
    }

    public func document(ofApplication applicationID: String, on sql: any SQLDatabase) async throws
        -> StoredDocument?
    {
        try await sql.raw("SELECT * FROM issued_documents WHERE application_id = \(bind: applicationID)").first()
            .map(Self.document)
    }

    static func document(_ row: any SQLRow) throws -> StoredDocument {
        StoredDocument(
            document: try IssuedDocument(json: try row.decode(column: "content", as: String.self)),
            holderPIN: try row.decode(column: "holder_pin", as: String.self),
            agency: try row.decode(column: "agency_code", as: String.self),
            issuedAt: try row.decode(column: "issued_at", as: Int.self),
            ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self),
            revokedAt: try row.decode(column: "revoked_at", as: Int?.self))
    }

    public func insertDocument(
        _ document: IssuedDocument, application: String, holder: String, agency: String, at: Int,
        on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO issued_documents (id, application_id, agency_code, holder_pin, content, signature, key_id, issued_at, ledger_index)
            VALUES (\(bind: document.id), \(bind: application), \(bind: agency), \(bind: holder), \(bind: document.json),
              \(bind: document.signature.value), \(bind: document.signature.keyID), \(bind: at), \(bind: document.ledgerIndex))
            """
        ).run()
    }

    public func revokeDocument(_ id: String, at: Int, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw(
            "UPDATE issued_documents SET revoked_at = \(bind: at) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id"
        ).first() != nil
    }

    public func agencyPrivateKey(of agency: String, on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT private_key FROM agency_keys WHERE agency_code = \(bind: agency)")
            .first(decodingColumn: "private_key", as: String.self)
    }

    public func insertAgencyKey(_ key: AgencyKeyRecord, privateKey: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO agency_keys (key_id, agency_code, private_key, public_key, created_at)
            VALUES (\(bind: key.keyID), \(bind: key.agency), \(bind: privateKey), \(bind: key.publicKey), \(bind: key.since))
            ON CONFLICT (agency_code) DO NOTHING
            """
        ).run()
    }

    public func agencyKeys(on sql: any SQLDatabase) async throws -> [AgencyKeyRecord] {
        try await sql.raw("SELECT key_id, agency_code, public_key, created_at FROM agency_keys ORDER BY agency_code")
            .all().map {
                AgencyKeyRecord(
                    keyID: try $0.decode(column: "key_id", as: String.self),
                    agency: try $0.decode(column: "agency_code", as: String.self),
                    publicKey: try $0.decode(column: "public_key", as: String.self),
                    since: try $0.decode(column: "created_at", as: Int.self))
            }
    }
}
